package dev.pgvigil.analyzer.process;

import static dev.pgvigil.schema.ReplicationPositions.behind;
import static dev.pgvigil.schema.ReplicationPositions.isBaseBackup;
import static dev.pgvigil.schema.ReplicationPositions.replayDelaySeconds;
import static dev.pgvigil.schema.ReplicationPositions.unreplayed;
import static dev.pgvigil.schema.ReplicationPositions.upstream;
import static dev.pgvigil.schema.ReplicationPositions.walPosition;

import dev.pgvigil.rules.Severity;
import dev.pgvigil.schema.ArchiverInfo;
import dev.pgvigil.schema.ReplicationPositions;
import dev.pgvigil.schema.ReplicationSnapshot;
import dev.pgvigil.schema.SlotInfo;
import dev.pgvigil.schema.WalReceiverInfo;
import dev.pgvigil.web.DashboardData.Archiver;
import dev.pgvigil.web.DashboardData.Receiver;
import dev.pgvigil.web.DashboardData.ReplicationStatus;
import dev.pgvigil.web.DashboardData.Role;
import dev.pgvigil.web.DashboardData.Slot;
import dev.pgvigil.web.DashboardData.Standby;
import java.time.Instant;
import java.util.function.Function;

/**
 * A replication snapshot as the dashboard shows it (its replication panel, the fleet's roles and
 * grouping), kept in the instance's {@code ReplicationState} so the page reads the newest record
 * without a topic of its own; the lag arithmetic is {@link ReplicationPositions}'.
 */
public final class ReplicationStatuses {
    private ReplicationStatuses() {}

    /** {@code slotVerdict}: replication_slot_retention's severity for a slot, with the instance's thresholds (null: holds no condition). */
    static ReplicationStatus of(ReplicationSnapshot r, Instant at, Function<SlotInfo, Severity> slotVerdict) {
        boolean standby = r.getInRecovery();
        Long reference = walPosition(r);
        WalReceiverInfo w = r.getWalReceiver();
        Receiver receiver = !standby ? null : new Receiver(w == null ? null : w.getStatus(), upstream(w), w == null ? null : w.getSlotName(),
                unreplayed(r), replayDelaySeconds(r, at), r.getLastReplayAt(), r.getReplayPaused());
        ArchiverInfo a = r.getArchiver();
        Archiver archiver = a == null ? null : new Archiver(a.getArchiveMode(), a.getArchivedCount(), a.getLastArchivedWal(), a.getLastArchivedAt(),
                a.getFailedCount(), a.getLastFailedWal(), a.getLastFailedAt());
        return new ReplicationStatus(standby ? Role.STANDBY : Role.PRIMARY, at,
                r.getSystemIdentifier() == null ? null : Long.toString(r.getSystemIdentifier()), r.getTimelineId(),
                r.getCurrentLsn(), r.getReceiveLsn(), r.getReplayLsn(), receiver,
                r.getStandbys().stream().filter(s -> !isBaseBackup(s)).map(s -> new Standby(s.getName(), s.getApplicationName(), s.getClientAddr(),
                        s.getState(), s.getSyncState(), s.getSlotName(), behind(reference, s.getReplayLsn()), s.getReplayLagSeconds())).toList(),
                r.getSlots().stream().map(s -> new Slot(s.getSlotName(), s.getSlotType(), s.getActive(), s.getWalStatus(), s.getRetainedBytes(),
                        s.getSafeWalSizeBytes(), slotVerdict.apply(s))).toList(),
                archiver);
    }
}

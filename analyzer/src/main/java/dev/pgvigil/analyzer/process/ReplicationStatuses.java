package dev.pgvigil.analyzer.process;

import dev.pgvigil.schema.ArchiverInfo;
import dev.pgvigil.schema.ReplicationSnapshot;
import dev.pgvigil.schema.SlotInfo;
import dev.pgvigil.schema.StandbyInfo;
import dev.pgvigil.schema.WalReceiverInfo;
import dev.pgvigil.web.DashboardData.Archiver;
import dev.pgvigil.web.DashboardData.Receiver;
import dev.pgvigil.web.DashboardData.ReplicationStatus;
import dev.pgvigil.web.DashboardData.Role;
import dev.pgvigil.web.DashboardData.Slot;
import dev.pgvigil.web.DashboardData.Standby;
import java.time.Instant;

/**
 * A replication snapshot as the dashboard shows it (its replication panel, the fleet's roles and
 * grouping), kept in the instance's {@code ReplicationState} so the page reads the newest record
 * without a topic of its own. The lag arithmetic is the processor's, shared from here.
 */
public final class ReplicationStatuses {
    private ReplicationStatuses() {}

    /** WAL bytes {@code lsn} is behind {@code reference}; null when either is unknown. */
    static Long behind(Long reference, Long lsn) {
        return reference == null || lsn == null ? null : Math.max(0, reference - lsn);
    }

    /** What a standby has received and not replayed yet, in bytes. */
    static Long unreplayed(ReplicationSnapshot r) {
        return behind(r.getReceiveLsn(), r.getReplayLsn());
    }

    /**
     * How stale a standby's data is: with WAL waiting to be replayed the last replayed commit's age,
     * with none 0 (as fresh as its primary, however old that commit is).
     */
    static Double replayDelaySeconds(ReplicationSnapshot r, Instant at) {
        Long unreplayed = unreplayed(r);
        boolean pending = unreplayed != null && unreplayed > 0;
        return r.getLastReplayAt() == null ? null
                : pending ? Math.max(0, (at.toEpochMilli() - r.getLastReplayAt().toEpochMilli()) / 1000.0) : 0.0;
    }

    /** The WAL receiver's sender as host:port; null when unknown. */
    static String upstream(WalReceiverInfo w) {
        return w == null || w.getSenderHost() == null ? null : w.getSenderHost() + (w.getSenderPort() == null ? "" : ":" + w.getSenderPort());
    }

    static ReplicationStatus of(ReplicationSnapshot r, Instant at) {
        boolean standby = r.getInRecovery();
        Long reference = standby ? r.getReceiveLsn() : r.getCurrentLsn();
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
                r.getSlots().stream().map(ReplicationStatuses::slot).toList(),
                archiver);
    }

    /** pg_basebackup's connections come and go by design: not standbys. */
    static boolean isBaseBackup(StandbyInfo s) {
        return "backup".equals(s.getState()) || "pg_basebackup".equals(s.getApplicationName());
    }

    private static Slot slot(SlotInfo s) {
        return new Slot(s.getSlotName(), s.getSlotType(), s.getActive(), s.getWalStatus(), s.getRetainedBytes(), s.getSafeWalSizeBytes());
    }
}

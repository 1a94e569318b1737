package dev.pgvigil.advisor.report;

import dev.pgvigil.advisor.report.HealthReport.Archiver;
import dev.pgvigil.advisor.report.HealthReport.Checkpoints;
import dev.pgvigil.advisor.report.HealthReport.HolderRow;
import dev.pgvigil.advisor.report.HealthReport.Replication;
import dev.pgvigil.advisor.report.HealthReport.SlotRow;
import dev.pgvigil.advisor.report.HealthReport.StandbyRow;
import dev.pgvigil.catalogue.read.ReplicationReader;
import dev.pgvigil.catalogue.read.Snapshot;
import dev.pgvigil.common.text.Human;
import dev.pgvigil.rules.ArchiverRule;
import dev.pgvigil.rules.CheckpointsRule;
import dev.pgvigil.rules.CounterDelta;
import dev.pgvigil.rules.Decision;
import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.FindingKind;
import dev.pgvigil.rules.ReplicationLagRule;
import dev.pgvigil.rules.Rule;
import dev.pgvigil.rules.RuleThresholds;
import dev.pgvigil.rules.SlotRetentionRule;
import dev.pgvigil.rules.StandbyDisconnectedRule;
import dev.pgvigil.rules.VacuumHorizonRule;
import dev.pgvigil.schema.ArchiverInfo;
import dev.pgvigil.schema.CheckpointInfo;
import dev.pgvigil.schema.ReplicationPositions;
import dev.pgvigil.schema.ReplicationSnapshot;
import dev.pgvigil.schema.SlotInfo;
import dev.pgvigil.schema.StandbyInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The "Replication and WAL" section of {@code pgvigil report}, for a primary or a standby, judged with the
 * analyzer's replication rules. A one-off look has no history: the time lag of a standby is judged only
 * over {@code --interval} (when the primary wrote WAL in it), byte lag always; the archiver is failing when
 * its last failure is newer than its last success; a standby's missing WAL receiver is judged without
 * knowing since when; holders the server cannot date (slots) are listed, not judged. A running
 * pg_basebackup is not a standby ({@link ReplicationPositions#isBaseBackup}).
 */
final class ReplicationSection {
    private ReplicationSection() {}

    /** The section, adding what the rules find to {@code findings}; null when the replication kind was not read. */
    static Replication build(String instance, Snapshot first, Snapshot last, RuleThresholds t, List<Finding> findings) {
        ReplicationSnapshot r = last.replication();
        if (r == null) {
            return null;
        }
        ReplicationSnapshot then = first == null ? null : first.replication();
        Instant now = last.ref().getCollectedAt();
        Duration interval = then == null ? null : Duration.between(then.getRef().getCollectedAt(), now);
        Long lsn = ReplicationPositions.walPosition(r);
        Long lsnThen = then == null ? null : ReplicationPositions.walPosition(then);
        Long walDelta = lsn != null && lsnThen != null && lsn >= lsnThen ? lsn - lsnThen : null;
        Double walRate = walDelta != null && interval.toMillis() > 0 ? Double.valueOf(walDelta * 1000.0 / interval.toMillis())
                : walRateSinceReset(r, now);
        boolean walWritten = walDelta != null && walDelta > 0;
        String self = "instance " + instance;

        List<StandbyRow> standbys = new ArrayList<>();
        for (StandbyInfo s : r.getStandbys()) {
            if (ReplicationPositions.isBaseBackup(s)) {
                continue; // a running pg_basebackup is not a standby, as in the analyzer and the dashboard
            }
            Long behind = ReplicationPositions.behind(lsn, s.getReplayLsn());
            standbys.add(new StandbyRow(s.getName(), s.getState(), s.getSyncState(), s.getReplayLagSeconds(), behind));
            String object = "standby " + s.getName();
            add(findings, FindingKind.REPLICATION_LAG, instance, object, ReplicationLagRule.evaluate(s.getReplayLagSeconds(), behind, walWritten,
                    t.get(Rule.REPLICATION_LAG), t.get(Rule.REPLICATION_LAG_BYTES), object));
        }
        String receiver = null;
        if (r.getInRecovery()) {
            var w = r.getWalReceiver();
            String upstream = ReplicationPositions.upstream(w);
            receiver = w == null ? "not running" : w.getStatus() + (upstream == null ? "" : " from " + upstream)
                    + (w.getSlotName() == null ? "" : " over slot " + w.getSlotName());
            add(findings, FindingKind.STANDBY_DISCONNECTED, instance, instance, StandbyDisconnectedRule.onStandby(r.getStreamingConfigured(),
                    w == null ? null : w.getStatus(), upstream, Double.NaN, t.get(Rule.STANDBY_DISCONNECTED), self));
            Long unreplayed = ReplicationPositions.unreplayed(r);
            boolean pending = unreplayed != null && unreplayed > 0;
            Double delay = ReplicationPositions.replayDelaySeconds(r, now);
            add(findings, FindingKind.REPLICATION_LAG, instance, instance, ReplicationLagRule.evaluate(delay, unreplayed, walWritten || pending,
                    t.get(Rule.REPLICATION_LAG), t.get(Rule.REPLICATION_LAG_BYTES), self));
        }

        List<SlotRow> slots = new ArrayList<>();
        for (SlotInfo s : r.getSlots()) {
            slots.add(new SlotRow(s.getSlotName(), s.getSlotType(), s.getActive(), s.getWalStatus(), s.getRetainedBytes()));
            String object = "slot " + s.getSlotName();
            add(findings, FindingKind.REPLICATION_SLOT_RETENTION, instance, object, SlotRetentionRule.evaluate(s.getActive(), s.getWalStatus(),
                    s.getRetainedBytes(), t.get(Rule.REPLICATION_SLOT_RETENTION), object));
        }

        Archiver archiver = archiver(instance, r.getArchiver(), then == null ? null : then.getArchiver(), t, findings);
        Checkpoints checkpoints = checkpoints(instance, r, then, interval, walRate, t, findings);

        List<VacuumHorizonRule.Holder> holders = r.getHorizonHolders().stream().map(h -> new VacuumHorizonRule.Holder(h.getKind(), h.getName(),
                h.getXminAge(), h.getAgeSeconds(), h.getDatabase(), h.getUser(), h.getApplication(), h.getState())).toList();
        Decision horizon = VacuumHorizonRule.evaluate(holders, t.get(Rule.VACUUM_HORIZON_HELD), self);
        VacuumHorizonRule.oldest(holders.stream().filter(h -> h.heldSeconds() != null).toList())
                .flatMap(h -> VacuumHorizonRule.finding(instance, h, horizon)).ifPresent(findings::add);

        return new Replication(r.getInRecovery() ? "standby" : "primary", r.getSystemIdentifier(), r.getTimelineId(),
                r.getInRecovery() ? null : ReplicationReader.lsn(r.getCurrentLsn()),
                r.getInRecovery() ? ReplicationReader.lsn(r.getReceiveLsn()) : null, r.getInRecovery() ? ReplicationReader.lsn(r.getReplayLsn()) : null,
                r.getLastReplayAt(), r.getReplayPaused(), receiver, walRate, standbys, slots, archiver, checkpoints,
                holders.stream().map(h -> new HolderRow(h.describe(), h.xminAge(), h.heldSeconds())).toList());
    }

    /** pg_stat_wal's bytes since its reset (14+, a primary), for a one-off report. */
    private static Double walRateSinceReset(ReplicationSnapshot r, Instant now) {
        if (r.getInRecovery() || r.getWal() == null || r.getWal().getStatsReset() == null) {
            return null;
        }
        long ms = Duration.between(r.getWal().getStatsReset(), now).toMillis();
        return ms > 0 ? r.getWal().getBytes() * 1000.0 / ms : null;
    }

    private static Archiver archiver(String instance, ArchiverInfo a, ArchiverInfo then, RuleThresholds t, List<Finding> findings) {
        if (a == null) {
            return null;
        }
        long failed = then != null && Objects.equals(then.getStatsReset(), a.getStatsReset())
                ? CounterDelta.of(then.getFailedCount(), a.getFailedCount()).orElse(0) : 0;
        // no history here: failing now is the last failure being newer than the last success
        Decision d = ArchiverRule.evaluate(a.getArchiveMode(), failed, a.getLastFailedAt(), a.getLastFailedWal(), a.getLastArchivedAt(), true,
                t.get(Rule.ARCHIVER_FAILING), "instance " + instance);
        add(findings, FindingKind.ARCHIVER_FAILING, instance, instance, d);
        return new Archiver(a.getArchiveMode(), a.getArchivedCount(), a.getFailedCount(), a.getLastArchivedWal(), a.getLastArchivedAt(),
                a.getLastFailedWal(), a.getLastFailedAt(), d.firing());
    }

    private static Checkpoints checkpoints(String instance, ReplicationSnapshot r, ReplicationSnapshot then, Duration interval, Double walRate,
                                           RuleThresholds t, List<Finding> findings) {
        CheckpointInfo c = r.getCheckpoints();
        if (c == null) {
            return null;
        }
        CheckpointInfo base = then == null || then.getCheckpoints() == null || !Objects.equals(then.getCheckpoints().getStatsReset(), c.getStatsReset())
                ? null : then.getCheckpoints();
        String over = base == null ? "since the statistics were reset" : "in the last " + Human.duration(interval);
        long timed = c.getTimed() - (base == null ? 0 : base.getTimed());
        long requested = c.getRequested() - (base == null ? 0 : base.getRequested());
        Decision d = CheckpointsRule.evaluate(timed, requested, over, t.get(Rule.CHECKPOINTS_REQUESTED), "instance " + instance);
        if (!r.getInRecovery() && walRate != null && r.getMaxWalSizeBytes() != null && r.getCheckpointTimeoutSeconds() != null) {
            CheckpointsRule.finding(instance, d, r.getMaxWalSizeBytes(), walRate, r.getCheckpointTimeoutSeconds()).ifPresent(findings::add);
        }
        return new Checkpoints(timed, requested, c.getWriteTimeMs() - (base == null ? 0 : base.getWriteTimeMs()),
                c.getSyncTimeMs() - (base == null ? 0 : base.getSyncTimeMs()), over);
    }

    /** A violation-type rule's verdict as a finding of the report: what was seen, and the rule's advice. */
    private static void add(List<Finding> findings, FindingKind kind, String instance, String object, Decision d) {
        if (d.firing()) {
            findings.add(new Finding(kind, d.severity(), instance, object, d.message(), d.rule().advice()));
        }
    }
}

package dev.pgvigil.analyzer.process;

import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.TopologyNames;
import dev.pgvigil.analyzer.state.InstanceState;
import dev.pgvigil.analyzer.state.KindCursor;
import dev.pgvigil.analyzer.state.ReplicationState;
import dev.pgvigil.analyzer.state.ReplicationState.CheckpointSample;
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
import dev.pgvigil.schema.HorizonHolder;
import dev.pgvigil.schema.ReplicationPositions;
import dev.pgvigil.schema.ReplicationSnapshot;
import dev.pgvigil.schema.SlotInfo;
import dev.pgvigil.schema.StandbyInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Replication snapshots → WAL, lag, slot, archiver, checkpoint and horizon metrics, and the replication
 * rules: replication_lag and standby_disconnected per standby (on a primary) or for the instance itself
 * (on a standby), replication_slot_retention per slot, archiver_failing and vacuum_horizon_held per
 * instance, and the checkpoints_requested and vacuum_horizon_held findings. Its memory between snapshots
 * is a {@link ReplicationState} per instance.
 */
public final class ReplicationProcessor extends ChunkProcessor<ReplicationSnapshot> {
    public static final String KIND = "replication";
    /** The window of the checkpoints_requested finding. */
    static final Duration CHECKPOINT_WINDOW = Duration.ofHours(1);
    private static final long SAMPLE_EVERY_MS = 60_000;

    private KeyValueStore<String, ReplicationState> states;

    public ReplicationProcessor(AnalyzerConfig config) {
        super(config, KIND, ReplicationSnapshot::getRef, ReplicationSnapshot::getChunk);
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        super.init(context);
        states = store(TopologyNames.REPLICATION_STORE);
    }

    /** One snapshot of one instance, judged with what was remembered of the last. */
    private record Judging(String instanceId, String snapshotId, Instant at, RuleThresholds t, ReplicationState state, MetricBatcher metrics,
                           double intervalSeconds) {}

    @Override
    protected void chunk(ReplicationSnapshot r, KindCursor cursor, InstanceState instance, Instant at) {
        String instanceId = instance.instanceId;
        ReplicationState state = states.get(instanceId);
        if (state == null) {
            state = new ReplicationState();
        }
        Judging j = new Judging(instanceId, r.getRef().getSnapshotId(), at, thresholds(instanceId), state,
                batcher(instanceId, r.getRef().getSnapshotId(), cursor), cursor.intervalSeconds());

        Long lsn = ReplicationPositions.walPosition(r);
        Long walDelta = cursor.hasInterval() && state.walLsn != null && lsn != null && lsn >= state.walLsn ? lsn - state.walLsn : null;
        double walRate = walDelta != null && j.intervalSeconds() > 0 ? CounterDelta.rate(walDelta, j.intervalSeconds()) : 0;
        if (walDelta != null && j.intervalSeconds() > 0) {
            j.metrics().add(r.getInRecovery() ? "wal.received_bytes_per_s" : "wal.bytes_per_s", Map.of(), walRate);
        }
        boolean walWritten = walDelta != null && walDelta > 0;
        state.walLsn = lsn;

        standbys(j, r, walWritten);
        receiver(j, r, walWritten);
        boolean heldByInactiveSlot = slots(j, r);
        state.slotRetainedGrowthPerS = heldByInactiveSlot ? walRate : 0;
        archiver(j, r.getArchiver());
        checkpoints(j, r);
        horizon(j, r);
        state.latest = ReplicationStatuses.of(r, at, s -> slotVerdict(j, s).severity());

        j.metrics().flush();
        states.put(instanceId, state);
    }

    /** The standbys streaming from this instance: their lag while present, standby_disconnected once gone. */
    private void standbys(Judging j, ReplicationSnapshot r, boolean walWritten) {
        long now = j.at().toEpochMilli();
        Long reference = ReplicationPositions.walPosition(r);
        Set<String> present = new HashSet<>();
        int streaming = 0;
        for (StandbyInfo s : r.getStandbys()) {
            if (ReplicationPositions.isBaseBackup(s)) {
                continue; // pg_basebackup's connections come and go by design
            }
            String name = s.getName();
            present.add(name);
            j.state().standbysSeenMs.put(name, now);
            streaming += "streaming".equals(s.getState()) ? 1 : 0;
            Map<String, String> labels = Map.of("standby", name);
            Long lagBytes = ReplicationPositions.behind(reference, s.getReplayLsn());
            if (lagBytes != null) {
                j.metrics().add("replication.replay_lag_bytes", labels, lagBytes);
            }
            if (s.getReplayLagSeconds() != null) {
                j.metrics().add("replication.replay_lag_s", labels, s.getReplayLagSeconds());
            }
            String object = standbyObject(name);
            judge(j, Rule.REPLICATION_LAG, object, labels, ReplicationLagRule.evaluate(s.getReplayLagSeconds(), lagBytes, walWritten,
                    j.t().get(Rule.REPLICATION_LAG), j.t().get(Rule.REPLICATION_LAG_BYTES), object));
            judge(j, Rule.STANDBY_DISCONNECTED, object, labels, StandbyDisconnectedRule.onPrimary(true, 0, j.t().get(Rule.STANDBY_DISCONNECTED), object));
        }
        j.metrics().add("replication.standbys_streaming", Map.of(), streaming);
        for (var it = j.state().standbysSeenMs.entrySet().iterator(); it.hasNext(); ) {
            var seen = it.next();
            if (present.contains(seen.getKey())) {
                continue;
            }
            String object = standbyObject(seen.getKey());
            clear(j, Rule.REPLICATION_LAG, object, "gone from pg_stat_replication, its lag unknown");
            if (StandbyDisconnectedRule.remembered(seen.getValue(), now)) {
                judge(j, Rule.STANDBY_DISCONNECTED, object, Map.of("standby", seen.getKey()), StandbyDisconnectedRule.onPrimary(false,
                        (now - seen.getValue()) / 1000.0, j.t().get(Rule.STANDBY_DISCONNECTED), object));
            } else {
                clear(j, Rule.STANDBY_DISCONNECTED, object, "not seen for " + StandbyDisconnectedRule.REMEMBERED.toHours() + " h: forgotten");
                it.remove();
            }
        }
    }

    private static String standbyObject(String name) {
        return "standby " + name;
    }

    /** On a standby: its own WAL receiver and how far its replay is behind what it received. */
    private void receiver(Judging j, ReplicationSnapshot r, boolean walReceived) {
        String self = j.instanceId();
        if (!r.getInRecovery()) {
            // a primary (or a promoted standby): nothing of its own to lag behind
            clear(j, Rule.REPLICATION_LAG, self, "not a standby");
            clear(j, Rule.STANDBY_DISCONNECTED, self, "not a standby");
            j.state().streamingSeenMs = -1;
            return;
        }
        long now = j.at().toEpochMilli();
        var w = r.getWalReceiver();
        String status = w == null ? null : w.getStatus();
        if ("streaming".equals(status)) {
            j.state().streamingSeenMs = now;
        }
        double since = j.state().streamingSeenMs >= 0 ? (now - j.state().streamingSeenMs) / 1000.0 : j.intervalSeconds();
        String upstream = ReplicationPositions.upstream(w);
        judge(j, Rule.STANDBY_DISCONNECTED, self, Map.of(), StandbyDisconnectedRule.onStandby(r.getStreamingConfigured(), status, upstream, since,
                j.t().get(Rule.STANDBY_DISCONNECTED), "instance " + self));

        Long unreplayed = ReplicationPositions.unreplayed(r);
        boolean pending = unreplayed != null && unreplayed > 0;
        Double delaySeconds = ReplicationPositions.replayDelaySeconds(r, j.at());
        if (unreplayed != null) {
            j.metrics().add("replication.unreplayed_bytes", Map.of(), unreplayed);
        }
        if (delaySeconds != null) {
            j.metrics().add("replication.replay_delay_s", Map.of(), delaySeconds);
        }
        judge(j, Rule.REPLICATION_LAG, self, Map.of(), ReplicationLagRule.evaluate(delaySeconds, unreplayed, walReceived || pending,
                j.t().get(Rule.REPLICATION_LAG), j.t().get(Rule.REPLICATION_LAG_BYTES), "instance " + self));
    }

    /** The slot metrics and rule; whether an inactive slot holds WAL back (so the WAL on disk grows). */
    private boolean slots(Judging j, ReplicationSnapshot r) {
        Set<String> present = new HashSet<>();
        long retainedMax = 0;
        boolean heldByInactive = false;
        for (SlotInfo s : r.getSlots()) {
            String object = "slot " + s.getSlotName();
            present.add(object);
            Map<String, String> labels = Map.of("slot", s.getSlotName());
            if (s.getRetainedBytes() != null) {
                j.metrics().add("replication.slot_retained_bytes", labels, s.getRetainedBytes());
                retainedMax = Math.max(retainedMax, s.getRetainedBytes());
                heldByInactive |= !s.getActive() && s.getRetainedBytes() > 0;
            }
            judge(j, Rule.REPLICATION_SLOT_RETENTION, object, labels, slotVerdict(j, s));
        }
        // slots overlap: the WAL kept on disk for them is the oldest slot's, not their sum
        j.metrics().add("wal.retained_by_slots_bytes", Map.of(), retainedMax);
        j.state().slotRetainedBytes = retainedMax;
        for (String key : List.copyOf(j.state().conditions.keySet())) {
            String object = objectOf(key, Rule.REPLICATION_SLOT_RETENTION);
            if (object != null && !present.contains(object)) {
                clear(j, Rule.REPLICATION_SLOT_RETENTION, object, "dropped");
            }
        }
        return heldByInactive;
    }

    /** replication_slot_retention on one slot with the instance's thresholds: for the rule and for the dashboard's colours. */
    private static Decision slotVerdict(Judging j, SlotInfo s) {
        return SlotRetentionRule.evaluate(s.getActive(), s.getWalStatus(), s.getRetainedBytes(), j.t().get(Rule.REPLICATION_SLOT_RETENTION),
                "slot " + s.getSlotName());
    }

    private void archiver(Judging j, ArchiverInfo a) {
        String self = j.instanceId();
        if (a == null) {
            return;
        }
        ReplicationState s = j.state();
        Long resetMs = a.getStatsReset() == null ? null : a.getStatsReset().toEpochMilli();
        boolean sameSeries = s.archiverFailed != null && Objects.equals(s.archiverResetMs, resetMs);
        long failed = sameSeries ? CounterDelta.of(s.archiverFailed, a.getFailedCount()).orElse(0) : 0;
        if (sameSeries) {
            CounterDelta.of(s.archiverArchived, a.getArchivedCount()).ifPresent(n -> j.metrics().add("archiver.archived", Map.of(), n));
            j.metrics().add("archiver.failed", Map.of(), failed);
        }
        s.archiverFailed = a.getFailedCount();
        s.archiverArchived = a.getArchivedCount();
        s.archiverResetMs = resetMs;
        boolean failingBefore = s.conditions.containsKey(key(Rule.ARCHIVER_FAILING, self));
        judge(j, Rule.ARCHIVER_FAILING, self, Map.of(), ArchiverRule.evaluate(a.getArchiveMode(), failed, a.getLastFailedAt(), a.getLastFailedWal(),
                a.getLastArchivedAt(), failingBefore, j.t().get(Rule.ARCHIVER_FAILING), "instance " + self));
    }

    /** Checkpoint counters over the last hour: metrics per interval, and the checkpoints_requested finding. */
    private void checkpoints(Judging j, ReplicationSnapshot r) {
        CheckpointInfo c = r.getCheckpoints();
        if (c == null) {
            return;
        }
        long now = j.at().toEpochMilli();
        Long resetMs = c.getStatsReset() == null ? null : c.getStatsReset().toEpochMilli();
        List<CheckpointSample> window = j.state().checkpoints;
        CheckpointSample last = window.isEmpty() ? null : window.get(window.size() - 1);
        if (last != null && (c.getTimed() < last.timed() || c.getRequested() < last.requested() || !Objects.equals(resetMs, last.statsResetMs()))) {
            window.clear(); // a reset or a restart: a new series
            last = null;
        }
        if (last != null) {
            j.metrics().add("checkpoints.timed", Map.of(), c.getTimed() - last.timed());
            j.metrics().add("checkpoints.requested", Map.of(), c.getRequested() - last.requested());
        }
        CheckpointSample sample = new CheckpointSample(now, c.getTimed(), c.getRequested(), r.getCurrentLsn(), resetMs);
        // one sample a minute is enough for an hour's window; the newest always replaces a younger one
        if (last != null && window.size() > 1 && last.atMs() - window.get(window.size() - 2).atMs() < SAMPLE_EVERY_MS) {
            window.set(window.size() - 1, sample);
        } else {
            window.add(sample);
        }
        window.removeIf(x -> x.atMs() < now - CHECKPOINT_WINDOW.toMillis());
        CheckpointSample first = window.get(0);
        Decision d = CheckpointsRule.evaluate(c.getTimed() - first.timed(), c.getRequested() - first.requested(), "in the last hour",
                j.t().get(Rule.CHECKPOINTS_REQUESTED), "instance " + j.instanceId());
        double spanSeconds = (now - first.atMs()) / 1000.0;
        boolean knownRate = !r.getInRecovery() && first.lsn() != null && r.getCurrentLsn() != null && spanSeconds > 0;
        Optional<Finding> finding = knownRate && r.getMaxWalSizeBytes() != null && r.getCheckpointTimeoutSeconds() != null
                ? CheckpointsRule.finding(j.instanceId(), d, r.getMaxWalSizeBytes(),
                        Math.max(0, r.getCurrentLsn() - first.lsn()) / spanSeconds, r.getCheckpointTimeoutSeconds())
                : Optional.empty();
        finding.ifPresentOrElse(f -> findings().offer(f, j.at()),
                () -> findings().withdraw(j.instanceId(), FindingKind.CHECKPOINTS_REQUESTED.wireName(), j.instanceId()));
    }

    /** The vacuum horizon: its holders dated (from the server, else since this analyzer first saw them hold the same xmin). */
    private void horizon(Judging j, ReplicationSnapshot r) {
        long now = j.at().toEpochMilli();
        Map<String, ReplicationState.HeldSince> before = j.state().heldSince;
        Map<String, ReplicationState.HeldSince> after = new HashMap<>();
        List<VacuumHorizonRule.Holder> holders = new ArrayList<>();
        long xidAge = 0;
        for (HorizonHolder h : r.getHorizonHolders()) {
            Double held = h.getAgeSeconds();
            if (held == null) {
                String key = h.getKind() + ":" + h.getName();
                ReplicationState.HeldSince since = before.get(key);
                if (since == null || since.xmin() != h.getXmin()) {
                    since = new ReplicationState.HeldSince(h.getXmin(), now);
                }
                after.put(key, since);
                held = (now - since.sinceMs()) / 1000.0;
            }
            xidAge = Math.max(xidAge, h.getXminAge());
            holders.add(new VacuumHorizonRule.Holder(h.getKind(), h.getName(), h.getXminAge(), held, h.getDatabase(), h.getUser(),
                    h.getApplication(), h.getState()));
        }
        j.state().heldSince = after;
        var oldest = VacuumHorizonRule.oldest(holders);
        j.metrics().add("horizon.held_s", Map.of(), oldest.map(VacuumHorizonRule.Holder::heldSeconds).orElse(0.0));
        j.metrics().add("horizon.xid_age", Map.of(), xidAge);
        String self = j.instanceId();
        Decision d = VacuumHorizonRule.evaluate(holders, j.t().get(Rule.VACUUM_HORIZON_HELD), "instance " + self);
        judge(j, Rule.VACUUM_HORIZON_HELD, self, Map.of(), d);
        oldest.flatMap(h -> VacuumHorizonRule.finding(self, h, d)).ifPresentOrElse(f -> findings().offer(f, j.at()),
                () -> findings().withdraw(self, FindingKind.VACUUM_HORIZON_HELD.wireName(), self));
    }

    private void judge(Judging j, Rule rule, String object, Map<String, String> labels, Decision d) {
        Subject subject = new Subject(rule.wireName(), j.instanceId(), object, labels);
        outputs.judge(j.state().conditions, key(rule, object), subject, d, j.t().get(rule), j.at(), j.snapshotId());
    }

    private void clear(Judging j, Rule rule, String object, String why) {
        outputs.clear(j.state().conditions, key(rule, object), new Subject(rule.wireName(), j.instanceId(), object, Map.of()), why, j.at(),
                j.snapshotId());
    }

    private static String key(Rule rule, String object) {
        return rule.wireName() + '\u0000' + object;
    }

    /** The object of a condition key of {@code rule}, or null when the key is another rule's. */
    private static String objectOf(String key, Rule rule) {
        String prefix = rule.wireName() + '\u0000';
        return key.startsWith(prefix) ? key.substring(prefix.length()) : null;
    }
}

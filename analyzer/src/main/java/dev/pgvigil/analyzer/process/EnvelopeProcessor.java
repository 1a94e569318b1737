package dev.pgvigil.analyzer.process;

import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.TopologyNames;
import dev.pgvigil.analyzer.state.InstanceState;
import dev.pgvigil.rules.Condition;
import dev.pgvigil.rules.Decision;
import dev.pgvigil.rules.InstanceDownRule;
import dev.pgvigil.rules.Rule;
import dev.pgvigil.rules.Threshold;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.SnapshotStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Snapshot envelopes → what is known of each instance: successful reads, the collection interval, and
 * restarts or statement resets (a new counter series). Also the instance-down rule, judged on every
 * envelope and, since a silent instance sends nothing, on the wall clock.
 */
public final class EnvelopeProcessor implements Processor<String, SnapshotInfo, String, SpecificRecord> {
    private final AnalyzerConfig config;
    private ProcessorContext<String, SpecificRecord> context;
    private Outputs outputs;
    private KeyValueStore<String, InstanceState> instances;
    /** When this task last handled an envelope (its wall clock), and how far behind that envelope was. */
    private long lastRecordWallMs = -1;
    private long lastRecordLagMs;
    /**
     * When this task last resumed: it started here (a restart, or partitions moved to it), or its thread was
     * stalled (blocked in a rebalance while a dead copy's session timed out). What it has not read since is
     * its own delay, not the instances' silence.
     */
    private long resumedWallMs;
    /** When the wall clock last looked for silent instances; -1 before the first look. */
    private long lastCheckWallMs = -1;

    public EnvelopeProcessor(AnalyzerConfig config) {
        this.config = config;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.outputs = new Outputs(context);
        this.instances = context.getStateStore(TopologyNames.INSTANCES_STORE);
        this.lastRecordWallMs = -1;
        this.lastCheckWallMs = -1;
        this.resumedWallMs = context.currentSystemTimeMs();
        context.schedule(Duration.ofSeconds(config.instanceDownCheckSeconds()), PunctuationType.WALL_CLOCK_TIME, this::checkSilentInstances);
    }

    @Override
    public void process(Record<String, SnapshotInfo> record) {
        SnapshotInfo info = record.value();
        String instanceId = info.getRef().getInstanceId();
        Instant at = info.getRef().getCollectedAt();
        InstanceState state = instances.get(instanceId);
        if (state == null) {
            state = InstanceState.create(instanceId);
        }
        lastRecordWallMs = context.currentSystemTimeMs();
        lastRecordLagMs = lastRecordWallMs - at.toEpochMilli();
        if (at.toEpochMilli() < state.lastEnvelopeMs) {
            return; // an older envelope replayed: nothing new
        }
        state.observe(at.toEpochMilli(), millis(info.getPostmasterStartTime()), millis(info.getStatementsResetAt()));
        state.labels = Map.copyOf(info.getLabels());
        state.lastStatus = info.getStatus().name();
        state.lastError = info.getError();
        if (info.getDatabase() != null) {
            state.database = info.getDatabase();
        }
        if (info.getServerVersion() != null) {
            state.serverVersion = info.getServerVersion();
        }
        if (info.getStatus() != SnapshotStatus.FAILED) {
            state.lastSuccessMs = Math.max(state.lastSuccessMs, at.toEpochMilli());
        }
        judgeDown(state, at, info.getRef().getSnapshotId(), info.getStatus() == SnapshotStatus.FAILED ? info.getError() : null);
        instances.put(instanceId, state);
    }

    private static Long millis(Instant i) {
        return i == null ? null : i.toEpochMilli();
    }

    private void judgeDown(InstanceState state, Instant now, String snapshotId, String error) {
        Threshold t = config.rules().forInstance(state.instanceId).get(Rule.INSTANCE_DOWN);
        Duration interval = state.interval(Duration.ofSeconds(config.assumedIntervalSeconds()));
        Decision d = InstanceDownRule.evaluate(state.lastSuccessMs < 0 ? null : Instant.ofEpochMilli(state.lastSuccessMs),
                Instant.ofEpochMilli(state.firstSeenMs), now, interval, t, "instance " + state.instanceId);
        if (error != null && d.firing()) {
            d = d.withMessage(m -> m + "; last error: " + error);
        }
        Subject subject = new Subject(Rule.INSTANCE_DOWN.wireName(), state.instanceId, state.instanceId, state.labels);
        // a late envelope (collected before the last wall-clock judgement, read after it) is stamped no earlier than that
        // judgement, so its event is newer by observedAt too: the alerter drops a violation older than the alert's last update
        long stamp = Math.max(now.toEpochMilli(), state.lastDownJudgedMs);
        state.lastDownJudgedMs = stamp;
        outputs.judge(state.conditions, Rule.INSTANCE_DOWN.wireName(), subject, d, t, Instant.ofEpochMilli(stamp), snapshotId);
    }

    /** How long an instance must be silent before instance_down warns: its warning level in intervals. */
    private long silenceWindowMs(InstanceState state) {
        Threshold t = config.rules().forInstance(state.instanceId).get(Rule.INSTANCE_DOWN);
        return (long) (t.warning() * state.interval(Duration.ofSeconds(config.assumedIntervalSeconds())).toMillis());
    }

    /**
     * Judges every instance of this task against the wall clock, but only once the task is current: after it
     * resumed (started, or its thread was stalled), its instances are judged when it has read an envelope
     * collected lately, or when a whole warning window has passed since it resumed with nothing read (then
     * the silence is real). Skipped while it is catching up on a backlog (it handled an envelope lately, and
     * that envelope was old): the instances are not silent, the analyzer is behind.
     */
    private void checkSilentInstances(long wallMs) {
        long checkMs = config.instanceDownCheckSeconds() * 1000L;
        if (lastCheckWallMs >= 0 && wallMs - lastCheckWallMs > 2 * checkMs) {
            resumedWallMs = wallMs; // this thread could not look for a while, so it could not read either
        }
        lastCheckWallMs = wallMs;
        long catchUpLagMs = 2L * config.assumedIntervalSeconds() * 1000;
        boolean readSinceResumed = lastRecordWallMs >= resumedWallMs;
        boolean current = readSinceResumed && lastRecordLagMs <= catchUpLagMs;
        if (readSinceResumed && !current && wallMs - lastRecordWallMs < 2 * checkMs) {
            return;
        }
        Instant now = Instant.ofEpochMilli(wallMs);
        List<InstanceState> all = new ArrayList<>();
        try (KeyValueIterator<String, InstanceState> it = instances.all()) {
            it.forEachRemaining(kv -> all.add(kv.value));
        }
        for (InstanceState state : all) {
            if (state.firstSeenMs < 0 || wallMs <= state.lastEnvelopeMs) {
                continue;
            }
            if (!current && wallMs - resumedWallMs < silenceWindowMs(state)) {
                continue;
            }
            Condition before = state.conditions.get(Rule.INSTANCE_DOWN.wireName());
            judgeDown(state, now, null, state.lastError);
            if (!Objects.equals(before, state.conditions.get(Rule.INSTANCE_DOWN.wireName()))) {
                instances.put(state.instanceId, state);
            }
        }
    }
}

package dev.pgvigil.analyzer.process;

import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.TopologyNames;
import dev.pgvigil.analyzer.state.Bucket;
import dev.pgvigil.analyzer.state.DatabaseSample;
import dev.pgvigil.analyzer.state.InstanceState;
import dev.pgvigil.analyzer.state.KindCursor;
import dev.pgvigil.rules.RuleThresholds;
import dev.pgvigil.schema.ChunkInfo;
import dev.pgvigil.schema.SnapshotRef;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The common path of every stats chunk: place it in its snapshot (a chunk of an older snapshot than the
 * current one is stale and skipped, so a replay never produces a negative delta), hand it to the kind's
 * logic, and run the kind's end-of-snapshot step once all of the snapshot's chunks of that kind are in.
 */
abstract class ChunkProcessor<V extends SpecificRecord> implements Processor<String, V, String, SpecificRecord> {
    private static final Logger log = LoggerFactory.getLogger(ChunkProcessor.class);

    protected final AnalyzerConfig config;
    private final String kind;
    private final Function<V, SnapshotRef> ref;
    private final Function<V, ChunkInfo> chunkInfo;
    protected ProcessorContext<String, SpecificRecord> context;
    protected Outputs outputs;
    protected KeyValueStore<String, InstanceState> instances;
    private KeyValueStore<String, KindCursor> cursors;
    private final Map<String, RuleThresholds> thresholds = new HashMap<>();

    private FindingsLedger findings;

    ChunkProcessor(AnalyzerConfig config, String kind, Function<V, SnapshotRef> ref, Function<V, ChunkInfo> chunkInfo) {
        this.config = config;
        this.kind = kind;
        this.ref = ref;
        this.chunkInfo = chunkInfo;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.outputs = new Outputs(context);
        this.instances = context.getStateStore(TopologyNames.INSTANCES_STORE);
        this.cursors = context.getStateStore(TopologyNames.CURSORS_STORE);
    }

    /** A state store this processor is connected to (see the topology). */
    protected <S> S store(String name) {
        return context.getStateStore(name);
    }

    /** The per-instance database samples (for the stats reset time of a table's or index's database). */
    protected KeyValueStore<String, Bucket<DatabaseSample>> databases() {
        return store(TopologyNames.DATABASES_STORE);
    }

    /** The findings ledger, for the processors connected to its store. */
    protected FindingsLedger findings() {
        if (findings == null) {
            findings = new FindingsLedger(store(TopologyNames.FINDINGS_STORE), store(TopologyNames.FINDINGS_CURRENT_STORE),
                    Duration.ofMinutes(config.findingsRepeatMinutes()), outputs);
        }
        return findings;
    }

    /** The kind's work on one chunk. */
    protected abstract void chunk(V value, KindCursor cursor, InstanceState instance, Instant at);

    /**
     * Which counter series a sample belongs to: a new one after the instance restarts (its epoch) or the
     * database's statistics are reset, so a delta is never taken across either.
     */
    protected static long seriesId(InstanceState instance, long statsResetMs) {
        return instance.epoch * 1_000_003L + statsResetMs;
    }

    /** The kind's work once every chunk of the snapshot has arrived. */
    protected void complete(String instanceId, KindCursor cursor, InstanceState instance, Instant at) {}

    /** A snapshot newer than the cursor's has begun. */
    protected void newSnapshot(KindCursor cursor) {}

    @Override
    public void process(Record<String, V> record) {
        V value = record.value();
        SnapshotRef ref = this.ref.apply(value);
        ChunkInfo chunk = chunkInfo.apply(value);
        String instanceId = ref.getInstanceId();
        Instant at = ref.getCollectedAt();
        String cursorKey = KindCursor.key(instanceId, kind);
        KindCursor cursor = cursors.get(cursorKey);
        if (cursor == null) {
            cursor = new KindCursor();
        }
        KindCursor.Arrival arrival = cursor.arrive(ref.getSnapshotId(), at.toEpochMilli(), chunk.getCount(), chunk.getFull());
        if (arrival == KindCursor.Arrival.STALE) {
            log.debug("skipping a {} chunk of {} snapshot {}: older than the one already processed", kind, instanceId, ref.getSnapshotId());
            return;
        }
        if (arrival == KindCursor.Arrival.NEW_SNAPSHOT) {
            newSnapshot(cursor);
        }
        InstanceState instance = instances.get(instanceId);
        if (instance == null) {
            instance = InstanceState.create(instanceId);
        }
        chunk(value, cursor, instance, at);
        if (cursor.completeNow()) {
            complete(instanceId, cursor, instance, at);
        }
        cursors.put(cursorKey, cursor);
    }

    /** Another kind's cursor of the same instance (read only), or an empty one. */
    protected KindCursor cursorOf(String instanceId, String otherKind) {
        KindCursor c = cursors.get(KindCursor.key(instanceId, otherKind));
        return c == null ? new KindCursor() : c;
    }


    protected RuleThresholds thresholds(String instanceId) {
        return thresholds.computeIfAbsent(instanceId, id -> config.rules().forInstance(id));
    }

    protected MetricBatcher batcher(String instanceId, String snapshotId, KindCursor cursor) {
        long end = cursor.collectedAtMs;
        long start = cursor.hasInterval() ? cursor.previousCollectedAtMs : end;
        return outputs.batcher(instanceId, snapshotId, start, end, config.maxPointsPerBatch(), config.entityMetrics());
    }
}

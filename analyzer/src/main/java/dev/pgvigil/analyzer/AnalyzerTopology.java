package dev.pgvigil.analyzer;

import static dev.pgvigil.analyzer.TopologyNames.*;

import dev.pgvigil.analyzer.process.ActivityProcessor;
import dev.pgvigil.analyzer.process.AlertsStoreUpdater;
import dev.pgvigil.analyzer.process.BaselinesProcessor;
import dev.pgvigil.analyzer.process.DatabaseStatsProcessor;
import dev.pgvigil.analyzer.process.DecodeProcessor;
import dev.pgvigil.analyzer.process.EnvelopeProcessor;
import dev.pgvigil.analyzer.process.FanOut;
import dev.pgvigil.analyzer.process.IndexStatsProcessor;
import dev.pgvigil.analyzer.process.NamedBaselineProcessor;
import dev.pgvigil.analyzer.process.ReplicationProcessor;
import dev.pgvigil.analyzer.process.StatementStatsProcessor;
import dev.pgvigil.analyzer.process.TableStatsProcessor;
import dev.pgvigil.analyzer.process.TrendsProcessor;
import dev.pgvigil.analyzer.state.BaselineHistory;
import dev.pgvigil.analyzer.state.Bucket;
import dev.pgvigil.analyzer.state.DatabaseSample;
import dev.pgvigil.analyzer.state.IndexSample;
import dev.pgvigil.analyzer.state.InstanceState;
import dev.pgvigil.analyzer.state.KindCursor;
import dev.pgvigil.analyzer.state.ObjectCacheStore;
import dev.pgvigil.analyzer.state.ReplicationState;
import dev.pgvigil.analyzer.state.RollupBlock;
import dev.pgvigil.analyzer.state.StateSerdes;
import dev.pgvigil.analyzer.state.StatementSample;
import dev.pgvigil.analyzer.state.TableSample;
import dev.pgvigil.schema.ActivitySnapshot;
import dev.pgvigil.schema.BaselineSet;
import dev.pgvigil.schema.DatabaseStatsChunk;
import dev.pgvigil.schema.IndexesChunk;
import dev.pgvigil.schema.ReplicationSnapshot;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.StatementsChunk;
import dev.pgvigil.schema.TablesChunk;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The analyzer's whole Kafka Streams topology, top to bottom, as in DESIGN.md:
 *
 * <pre>
 * pgvigil.snapshots        → decode → envelopes        → violations (instance_down)
 * pgvigil.stats.database   → decode → database-stats   ┐
 * pgvigil.stats.statements → decode → statement-stats  │→ violations, findings, and
 * pgvigil.stats.tables     → decode → table-stats      │   metric-batches → pgvigil.metrics
 * pgvigil.stats.indexes    → decode → index-stats      │                  → trends    → pgvigil.rollups.1m / .1h
 * pgvigil.stats.activity   → decode → activity         │                  → baselines → violations (regression.*)
 * pgvigil.stats.replication → decode → replication    ┘
 * pgvigil.baseline.requests ──────→ named-baselines    → pgvigil.baselines (its only writer)
 * any record that cannot be decoded, an invalid request → pgvigil.analyzer.dlq (Kafka's dead letter queue)
 * pgvigil.alerts (the alerter's) ─→ global store pgvigil-alerts, read by the dashboard
 * </pre>
 *
 * Every input is keyed by instance id and co-partitioned, so all of an instance's state lives in one
 * task: the stores below are keyed by instance id (plus a suffix) and need no repartitioning. The names
 * are in {@link TopologyNames}; the edges (which node feeds which) are decided here and only here: a
 * processor forwards to a child by name, never to a node it picked itself.
 */
public final class AnalyzerTopology {
    private AnalyzerTopology() {}

    public static final TrendsProcessor.Window ROLLUP_1M = new TrendsProcessor.Window("1m", Duration.ofMinutes(1), ROLLUPS_1M_STORE, ROLLUPS_1M_SINK);
    public static final TrendsProcessor.Window ROLLUP_1H = new TrendsProcessor.Window("1h", Duration.ofHours(1), ROLLUPS_1H_STORE, ROLLUPS_1H_SINK);

    public static Topology build(AnalyzerConfig config) {
        // serdes, once
        Serde<InstanceState> instanceSerde = StateSerdes.json(InstanceState.class);
        Serde<KindCursor> cursorSerde = StateSerdes.json(KindCursor.class);
        Serde<Bucket<DatabaseSample>> databasesSerde = StateSerdes.binary("databases", Bucket.codec(DatabaseSample.CODEC));
        Serde<Bucket<StatementSample>> statementsSerde = StateSerdes.binary("statements", Bucket.codec(StatementSample.CODEC));
        Serde<Bucket<TableSample>> tablesSerde = StateSerdes.binary("tables", Bucket.codec(TableSample.CODEC));
        Serde<Bucket<IndexSample>> indexesSerde = StateSerdes.binary("indexes", Bucket.codec(IndexSample.CODEC));
        Serde<RollupBlock> rollupSerde = StateSerdes.binary("rollup", RollupBlock.CODEC);
        Serde<BaselineHistory> baselineSerde = StateSerdes.binary("baseline", BaselineHistory.CODEC);
        Serde<BaselineSet> baselineSetSerde = Serdes.baselines();
        Serde<String> strings = org.apache.kafka.common.serialization.Serdes.String();
        Serde<Long> longs = org.apache.kafka.common.serialization.Serdes.Long();
        StringSerializer keys = new StringSerializer();
        StringDeserializer keysIn = new StringDeserializer();
        ByteArrayDeserializer bytesIn = new ByteArrayDeserializer();

        Topology t = new Topology();

        // sources: raw bytes, decoded by the next node so a poison record can go to the dead letter topic
        t.addSource(SNAPSHOTS_SOURCE, keysIn, bytesIn, Topics.SNAPSHOTS);
        t.addSource(DATABASE_SOURCE, keysIn, bytesIn, Topics.STATS_DATABASE);
        t.addSource(STATEMENTS_SOURCE, keysIn, bytesIn, Topics.STATS_STATEMENTS);
        t.addSource(TABLES_SOURCE, keysIn, bytesIn, Topics.STATS_TABLES);
        t.addSource(INDEXES_SOURCE, keysIn, bytesIn, Topics.STATS_INDEXES);
        t.addSource(ACTIVITY_SOURCE, keysIn, bytesIn, Topics.STATS_ACTIVITY);
        t.addSource(REPLICATION_SOURCE, keysIn, bytesIn, Topics.STATS_REPLICATION);
        t.addSource(BASELINE_REQUESTS_SOURCE, keysIn, keysIn, Topics.BASELINE_REQUESTS);

        t.addProcessor("decode-snapshots", () -> new DecodeProcessor<>(Serdes.snapshotInfo(), SnapshotInfo::getRef, ENVELOPES), SNAPSHOTS_SOURCE);
        t.addProcessor("decode-database", () -> new DecodeProcessor<>(Serdes.databaseStats(), DatabaseStatsChunk::getRef, DATABASE_STATS), DATABASE_SOURCE);
        t.addProcessor("decode-statements", () -> new DecodeProcessor<>(Serdes.statements(), StatementsChunk::getRef, STATEMENT_STATS), STATEMENTS_SOURCE);
        t.addProcessor("decode-tables", () -> new DecodeProcessor<>(Serdes.tables(), TablesChunk::getRef, TABLE_STATS), TABLES_SOURCE);
        t.addProcessor("decode-indexes", () -> new DecodeProcessor<>(Serdes.indexes(), IndexesChunk::getRef, INDEX_STATS), INDEXES_SOURCE);
        t.addProcessor("decode-activity", () -> new DecodeProcessor<>(Serdes.activity(), ActivitySnapshot::getRef, ACTIVITY), ACTIVITY_SOURCE);
        t.addProcessor("decode-replication", () -> new DecodeProcessor<>(Serdes.replication(), ReplicationSnapshot::getRef, REPLICATION),
                REPLICATION_SOURCE);

        // analysis: from each kind of stats to metrics, violations and findings
        t.addProcessor(ENVELOPES, () -> new EnvelopeProcessor(config), "decode-snapshots");
        t.addProcessor(DATABASE_STATS, () -> new DatabaseStatsProcessor(config), "decode-database");
        t.addProcessor(STATEMENT_STATS, () -> new StatementStatsProcessor(config), "decode-statements");
        t.addProcessor(TABLE_STATS, () -> new TableStatsProcessor(config), "decode-tables");
        t.addProcessor(INDEX_STATS, () -> new IndexStatsProcessor(config), "decode-indexes");
        t.addProcessor(ACTIVITY, () -> new ActivityProcessor(config), "decode-activity");
        t.addProcessor(REPLICATION, () -> new ReplicationProcessor(config), "decode-replication");
        String[] stats = {DATABASE_STATS, STATEMENT_STATS, TABLE_STATS, INDEX_STATS, ACTIVITY, REPLICATION};

        // every metric batch to the metrics topic, and to trends and baselines
        t.addProcessor(METRIC_BATCHES, FanOut::new, stats);
        t.addProcessor(TRENDS, () -> new TrendsProcessor(config, ROLLUP_1M, ROLLUP_1H, ROLLUPS_OPEN_STORE, ROLLUP_MARKS_STORE), METRIC_BATCHES);
        t.addProcessor(BASELINES, () -> new BaselinesProcessor(config), METRIC_BATCHES);
        t.addProcessor(NAMED_BASELINES, () -> new NamedBaselineProcessor(config), BASELINE_REQUESTS_SOURCE);

        // state
        t.addStateStore(hot(INSTANCES_STORE, instanceSerde, config), ENVELOPES, DATABASE_STATS, STATEMENT_STATS, TABLE_STATS, INDEX_STATS, ACTIVITY,
                NAMED_BASELINES, REPLICATION);
        t.addStateStore(hot(CURSORS_STORE, cursorSerde, config), DATABASE_STATS, STATEMENT_STATS, TABLE_STATS, INDEX_STATS, ACTIVITY, NAMED_BASELINES,
                REPLICATION);
        t.addStateStore(hot(DATABASES_STORE, databasesSerde, config), DATABASE_STATS, TABLE_STATS, INDEX_STATS, NAMED_BASELINES);
        t.addStateStore(hot(STATEMENTS_STORE, statementsSerde, config), STATEMENT_STATS, NAMED_BASELINES);
        t.addStateStore(hot(TABLES_STORE, tablesSerde, config), TABLE_STATS, NAMED_BASELINES);
        t.addStateStore(hot(INDEXES_STORE, indexesSerde, config), INDEX_STATS, NAMED_BASELINES);
        t.addStateStore(kv(FINDINGS_STORE, strings), TABLE_STATS, INDEX_STATS, REPLICATION);
        t.addStateStore(kv(FINDINGS_CURRENT_STORE, Serdes.finding()), TABLE_STATS, INDEX_STATS, REPLICATION);
        t.addStateStore(kv(REPLICATION_STORE, StateSerdes.json(ReplicationState.class)), REPLICATION, DATABASE_STATS);
        t.addStateStore(window(ROLLUPS_1M_STORE, Duration.ofHours(config.rollup1mRetentionHours()), Duration.ofMinutes(1), rollupSerde), TRENDS);
        t.addStateStore(window(ROLLUPS_1H_STORE, Duration.ofDays(config.rollup1hRetentionDays()), Duration.ofHours(1), rollupSerde), TRENDS);
        t.addStateStore(hot(ROLLUPS_OPEN_STORE, rollupSerde, config), TRENDS);
        t.addStateStore(kv(ROLLUP_MARKS_STORE, longs), TRENDS);
        t.addStateStore(hot(BASELINES_HOURLY_STORE, baselineSerde, config), BASELINES);
        t.addStateStore(kv(NAMED_BASELINES_STORE, baselineSetSerde), NAMED_BASELINES);

        // sinks
        t.addSink(METRICS_SINK, Topics.METRICS, keys, Serdes.metrics().serializer(), METRIC_BATCHES);
        t.addSink(VIOLATIONS_SINK, Topics.VIOLATIONS, keys, Serdes.violation().serializer(),
                ENVELOPES, DATABASE_STATS, STATEMENT_STATS, TABLE_STATS, INDEX_STATS, ACTIVITY, BASELINES, REPLICATION);
        t.addSink(FINDINGS_SINK, Topics.FINDINGS, keys, Serdes.finding().serializer(), TABLE_STATS, INDEX_STATS, REPLICATION);
        t.addSink(ROLLUPS_1M_SINK, Topics.rollups("1m"), keys, Serdes.rollup().serializer(), TRENDS);
        t.addSink(ROLLUPS_1H_SINK, Topics.rollups("1h"), keys, Serdes.rollup().serializer(), TRENDS);
        t.addSink(BASELINES_SINK, Topics.BASELINES, keys, baselineSetSerde.serializer(), NAMED_BASELINES);
        // poison (undecodable stats, a key not its payload's instance, invalid baseline requests) has no
        // sink here: a processor refuses it with an exception and Kafka's dead letter queue (KIP-1034)
        // sends the source record to pgvigil.analyzer.dlq (PoisonRecords)

        // the alerter's alert states, read by the dashboard on every copy (global: no forwarding needed);
        // bounded by the topic: compacted, one record per alert, tombstones for forgotten ones
        t.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ALERTS_STORE), strings,
                                org.apache.kafka.common.serialization.Serdes.ByteArray())
                        .withLoggingDisabled(),
                ALERTS_SOURCE, keysIn, bytesIn, Topics.ALERTS, ALERTS_UPDATER, AlertsStoreUpdater::new);
        return t;
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> kv(String name, Serde<V> values) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), org.apache.kafka.common.serialization.Serdes.String(), values)
                .withCachingEnabled();
    }

    /**
     * A store of objects changed many times per commit: deserialized once, written back once per commit, with up to
     * {@code stateCacheEntries} kept per task (buckets of 16 per instance: the default holds about 250 instances).
     */
    private static <V> StoreBuilder<KeyValueStore<String, V>> hot(String name, Serde<V> values, AnalyzerConfig config) {
        return ObjectCacheStore.builder(kv(name, values), config.stateCacheEntries());
    }

    private static <V> StoreBuilder<WindowStore<String, V>> window(String name, Duration retention, Duration size, Serde<V> values) {
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(name, retention, size, false),
                org.apache.kafka.common.serialization.Serdes.String(), values).withCachingEnabled();
    }

}

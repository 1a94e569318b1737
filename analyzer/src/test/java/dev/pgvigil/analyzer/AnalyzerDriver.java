package dev.pgvigil.analyzer;

import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.schema.BaselineSet;
import dev.pgvigil.schema.Finding;
import dev.pgvigil.schema.MetricBatch;
import dev.pgvigil.schema.MetricBatches;
import dev.pgvigil.schema.MetricPoint;
import dev.pgvigil.schema.Rollup;
import dev.pgvigil.schema.Rollups;
import dev.pgvigil.schema.Violation;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import dev.pgvigil.analyzer.process.PoisonRecords;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The analyzer topology under TopologyTestDriver, fed Avro records (or raw bytes) as the collector
 * would publish them, with every output topic read back decoded.
 */
final class AnalyzerDriver implements AutoCloseable {
    static final Instant T0 = Instant.parse("2025-03-03T10:00:00Z");

    final TopologyTestDriver driver;
    final AnalyzerConfig config;
    private final Path stateDir;
    private final TestInputTopic<String, byte[]> snapshots, database, statements, tables, indexes, activity, replication;
    final TestInputTopic<String, String> baselineRequests;
    final TestOutputTopic<String, MetricBatch> metrics;
    final TestOutputTopic<String, Violation> violations;
    final TestOutputTopic<String, Finding> findings;
    final TestOutputTopic<String, Rollup> rollups1m, rollups1h;
    final TestOutputTopic<String, BaselineSet> baselines;
    final TestOutputTopic<String, byte[]> dlq;

    /** The rollups published on {@code topic} since the last read, one per series (a block record is many). */
    static List<Rollup> rollupSeries(TestOutputTopic<String, Rollup> topic) {
        return topic.readValuesToList().stream().flatMap(r -> Rollups.series(r).stream()).toList();
    }

    /** {@code analyzerYaml}: the body of the analyzer section, e.g. "rules: {thresholds: {...}}". */
    AnalyzerDriver(String analyzerYaml) throws Exception {
        stateDir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "ttd-state")), "analyzer-");
        config = ConfigFile.parse("test.yaml", "analyzer:\n" + analyzerYaml.indent(2)).section("analyzer", AnalyzerConfig.class)
                .withStateDir(stateDir);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "analyzer-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.putAll(PoisonRecords.streamsSettings());
        driver = new TopologyTestDriver(AnalyzerTopology.build(config), p, T0);
        StringSerializer k = new StringSerializer();
        ByteArraySerializer b = new ByteArraySerializer();
        snapshots = driver.createInputTopic(Topics.SNAPSHOTS, k, b);
        database = driver.createInputTopic(Topics.STATS_DATABASE, k, b);
        statements = driver.createInputTopic(Topics.STATS_STATEMENTS, k, b);
        tables = driver.createInputTopic(Topics.STATS_TABLES, k, b);
        indexes = driver.createInputTopic(Topics.STATS_INDEXES, k, b);
        activity = driver.createInputTopic(Topics.STATS_ACTIVITY, k, b);
        replication = driver.createInputTopic(Topics.STATS_REPLICATION, k, b);
        baselineRequests = driver.createInputTopic(Topics.BASELINE_REQUESTS, k, k);
        StringDeserializer kd = new StringDeserializer();
        metrics = driver.createOutputTopic(Topics.METRICS, kd, Serdes.metrics());
        violations = driver.createOutputTopic(Topics.VIOLATIONS, kd, Serdes.violation());
        findings = driver.createOutputTopic(Topics.FINDINGS, kd, Serdes.finding());
        rollups1m = driver.createOutputTopic(Topics.rollups("1m"), kd, Serdes.rollup());
        rollups1h = driver.createOutputTopic(Topics.rollups("1h"), kd, Serdes.rollup());
        baselines = driver.createOutputTopic(Topics.BASELINES, kd, Serdes.baselines());
        dlq = driver.createOutputTopic(Topics.ANALYZER_DLQ, kd, new ByteArrayDeserializer());
    }

    /** Pipes a collector record to its topic, keyed by its instance, timestamped with its collectedAt. */
    void send(SpecificRecord value) {
        var ref = (dev.pgvigil.schema.SnapshotRef) value.get(0);
        Instant at = ref.getCollectedAt();
        String key = ref.getInstanceId();
        if (value instanceof dev.pgvigil.schema.SnapshotInfo v) {
            snapshots.pipeInput(key, Serdes.snapshotInfo().serialize(Topics.SNAPSHOTS, v), at);
        } else if (value instanceof dev.pgvigil.schema.DatabaseStatsChunk v) {
            database.pipeInput(key, Serdes.databaseStats().serialize(Topics.STATS_DATABASE, v), at);
        } else if (value instanceof dev.pgvigil.schema.StatementsChunk v) {
            statements.pipeInput(key, Serdes.statements().serialize(Topics.STATS_STATEMENTS, v), at);
        } else if (value instanceof dev.pgvigil.schema.TablesChunk v) {
            tables.pipeInput(key, Serdes.tables().serialize(Topics.STATS_TABLES, v), at);
        } else if (value instanceof dev.pgvigil.schema.IndexesChunk v) {
            indexes.pipeInput(key, Serdes.indexes().serialize(Topics.STATS_INDEXES, v), at);
        } else if (value instanceof dev.pgvigil.schema.ActivitySnapshot v) {
            activity.pipeInput(key, Serdes.activity().serialize(Topics.STATS_ACTIVITY, v), at);
        } else if (value instanceof dev.pgvigil.schema.ReplicationSnapshot v) {
            replication.pipeInput(key, Serdes.replication().serialize(Topics.STATS_REPLICATION, v), at);
        } else {
            throw new IllegalArgumentException("not a collector record: " + value.getClass());
        }
    }

    void sendRaw(String topic, String key, byte[] bytes, Instant at) {
        driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer()).pipeInput(key, bytes, at);
    }

    void advanceWallClock(Duration d) {
        driver.advanceWallClockTime(d);
    }

    /** Every metric point published since the last call, flattened. */
    List<Point> points() {
        List<Point> out = new ArrayList<>();
        for (MetricBatch b : metrics.readValuesToList()) {
            for (MetricPoint p : MetricBatches.points(b)) {
                out.add(new Point(b.getInstanceId(), p.getName(), p.getLabels(), p.getValue(), b.getIntervalStart(), b.getIntervalEnd()));
            }
        }
        return out;
    }

    record Point(String instance, String name, Map<String, String> labels, double value, Instant start, Instant end) {}

    static List<Point> named(List<Point> points, String name) {
        return points.stream().filter(p -> p.name().equals(name)).toList();
    }

    List<Violation> violations() {
        return violations.readRecordsToList().stream().map(TestRecord::value).toList();
    }

    static List<Violation> of(List<Violation> vs, Predicate<Violation> p) {
        return vs.stream().filter(p).toList();
    }

    @Override
    public void close() throws Exception {
        driver.close();
        try (var walk = Files.walk(stateDir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}

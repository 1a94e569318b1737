package dev.pgvigil.analyzer;

import static dev.pgvigil.analyzer.CrashInput.INSTANCES;
import static dev.pgvigil.analyzer.CrashInput.SNAPSHOTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.embedded.ServiceProcess;
import dev.pgvigil.schema.MetricBatch;
import dev.pgvigil.schema.MetricBatches;
import dev.pgvigil.schema.Rollup;
import dev.pgvigil.schema.Rollups;
import dev.pgvigil.schema.Violation;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.TopicSetup;
import dev.pgvigil.schema.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's "what must hold", compared record by record on real brokers: the same deterministic input (4
 * instances, a dozen moving statements, tables and indexes each, partial snapshots, 6 minutes) is analyzed
 * <ul>
 *   <li>A: by one analyzer, uninterrupted (the reference);</li>
 *   <li>B: by two copies in JVMs of their own; the one running instance 0 is SIGKILLed as soon as it has published
 *   (not yet committed) the interval that fires instance 0's planted condition, while input is still being written;</li>
 *   <li>C: by one analyzer stopped mid-stream (the same condition pending) and started again on its deleted (empty)
 *   state folder.</li>
 * </ul>
 * B and C must publish what A publishes: every (instance, interval, point) on {@code pgvigil.metrics} exactly once
 * with the same value (no gap, no duplicate, no spike), the same rollup records (1 minute and 1 hour), and the same
 * violations at the same snapshots (a condition pending its {@code for} keeps counting across the crash). Each run
 * has a broker of its own since the topic names are fixed. The wall-clock {@code instance_down} check is pushed out
 * of the run ({@code instanceDownCheckSeconds}): it judges wall time, which differs between runs by design.
 */
class AnalyzerCrashComparisonTest {
    private static final int PARTITIONS = 4;
    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the copies' logs
    Path work;
    /** Three minutes before an hour, so both minutes and an hour close within the 6 minutes of input. */
    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofMinutes(3));

    /** What a run published, in comparable form: key → every value seen under it (more than one is a duplicate). */
    record Published(Map<String, List<String>> metrics, Map<String, List<String>> rollups, Map<String, List<String>> violations) {}

    @Test
    void aCrashedOrWipedAnalyzerPublishesWhatAnUninterruptedOneDoes() throws Exception {
        Published a = reference();
        assertReferenceIsWhole(a);
        Published b = killedCopy();
        Published c = wipedRestart();
        System.out.printf("A published %d metric points, %d rollup records, %d violation events%n", a.metrics().size(), a.rollups().size(),
                a.violations().size());

        SoftAssertions soft = new SoftAssertions();
        compare(soft, "A (reference)", a, a); // A itself has no duplicate
        compare(soft, "B (kill -9 of one of two copies)", a, b);
        compare(soft, "C (restart on a deleted state folder)", a, c);
        soft.assertAll();
    }

    /** A: one analyzer reads everything, never interrupted. */
    private Published reference() throws Exception {
        try (EmbeddedKafka kafka = broker()) {
            CrashInput input = new CrashInput(kafka.bootstrapServers(), t0);
            try (Analyzer analyzer = inProcess(kafka, "a")) {
                input.send(0, SNAPSHOTS);
                return awaitAll(kafka);
            } finally {
                input.close();
            }
        }
    }

    /**
     * B: two copies share the work. Once instance 0's first low cache interval is analyzed (its condition pending, 1
     * of 2), the next is written, and as soon as the copy running instance 0's task has published its metrics (in a
     * transaction, most likely still open) that copy is SIGKILLed while later snapshots are still being written; the
     * other takes over from what the dead one committed.
     */
    private Published killedCopy() throws Exception {
        try (EmbeddedKafka kafka = broker()) {
            CrashInput input = new CrashInput(kafka.bootstrapServers(), t0);
            Path dir = Files.createDirectories(work.resolve("b"));
            try (ServiceProcess one = process(kafka, dir, "b1"); ServiceProcess two = process(kafka, dir, "b2")) {
                awaitWorking(dir.resolve("b1.tasks"), dir.resolve("b2.tasks"));
                int pending = CrashInput.LOW_CACHE_FROM;
                input.send(0, pending + 1);
                awaitProcessed(kafka, pending);
                CompletableFuture<Void> rest = CompletableFuture.runAsync(() -> {
                    for (int n = pending + 1; n < SNAPSHOTS; n++) {
                        input.send(n, n + 1);
                        pause(Duration.ofMillis(150)); // the kill lands while input is still being written
                    }
                });
                awaitUncommitted(kafka, CrashInput.instance(0), CrashInput.snapshotId(pending + 1)); // done, likely not committed yet
                String task = "0_" + partitionOf(CrashInput.instance(0)); // instance 0's task of the main sub-topology
                ServiceProcess victim = List.of(Files.readString(dir.resolve("b1.tasks")).split(" ")).contains(task) ? one : two;
                String itsTasks = Files.readString(dir.resolve(victim.name() + ".tasks"));
                assertThat(itsTasks.split(" ")).as("the copy killed runs instance 0's task").contains(task);
                victim.kill9();
                System.out.printf("B: killed %s running tasks %s; the other ran %s%n", victim.name(), itsTasks,
                        Files.readString(dir.resolve((victim == one ? two : one).name() + ".tasks")));
                rest.get();
                Published b = awaitAll(kafka);
                System.out.printf("B: %d records on %s were in transactions aborted by the kill (their work was redone)%n",
                        records(kafka, Topics.METRICS, "read_uncommitted") - records(kafka, Topics.METRICS, "read_committed"), Topics.METRICS);
                return b;
            } finally {
                input.close();
            }
        }
    }

    /** C: stopped mid-stream (a condition pending its {@code for}), its state folder deleted, started again. */
    private Published wipedRestart() throws Exception {
        try (EmbeddedKafka kafka = broker()) {
            CrashInput input = new CrashInput(kafka.bootstrapServers(), t0);
            try {
                try (Analyzer first = inProcess(kafka, "c")) {
                    input.send(0, CrashInput.LOW_CACHE_FROM + 1); // the first low interval is in: pending, 1 of 2
                    awaitProcessed(kafka, CrashInput.LOW_CACHE_FROM);
                }
                deleteTree(work.resolve("state-c"));
                try (Analyzer second = inProcess(kafka, "c")) {
                    input.send(CrashInput.LOW_CACHE_FROM + 1, SNAPSHOTS);
                    return awaitAll(kafka);
                }
            } finally {
                input.close();
            }
        }
    }

    private static EmbeddedKafka broker() {
        EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
        try (Admin admin = kafka.admin()) {
            TopicSetup.ensureAll(admin, PARTITIONS, (short) 1);
        }
        return kafka;
    }

    /** One configuration for every run: same application id, a copy's own state folder; instance_down's wall clock out of the run. */
    private String config(EmbeddedKafka kafka, String stateFolder) {
        return """
                kafka: { bootstrapServers: "%s" }
                analyzer:
                  applicationId: analyzer-crash
                  stateDir: %s
                  instanceDownCheckSeconds: 3600
                  streams:
                    # a killed or stopped copy's member is dropped after its session: keep that short here
                    consumer.session.timeout.ms: "6000"
                    consumer.heartbeat.interval.ms: "1000"
                """.formatted(kafka.bootstrapServers(), work.resolve("state-" + stateFolder));
    }

    private Analyzer inProcess(EmbeddedKafka kafka, String stateFolder) throws Exception {
        ConfigFile file = ConfigFile.parse("crash.yaml", config(kafka, stateFolder));
        Analyzer a = Analyzer.start(file.section("kafka", KafkaSettings.class), file.section("analyzer", AnalyzerConfig.class));
        assertThat(a.awaitRunning(Duration.ofSeconds(60))).isTrue();
        return a;
    }

    private ServiceProcess process(EmbeddedKafka kafka, Path dir, String name) throws Exception {
        Path config = Files.writeString(dir.resolve(name + ".yaml"), config(kafka, name));
        return ServiceProcess.start(name, dir, List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                AnalyzerProcess.class.getName(), config.toString(), dir.resolve(name + ".tasks").toString());
    }

    /** Until every copy runs tasks of its own (each writes its active tasks to a file). */
    private static void awaitWorking(Path... files) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        for (Path f : files) {
            while (!Files.exists(f) || Files.readString(f).isBlank()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("analyzer copy not running tasks: " + f);
                }
                pause(Duration.ofMillis(200));
            }
        }
    }

    /** Until every instance's database interval ending at snapshot {@code n} is on the metrics topic. */
    private static void awaitProcessed(EmbeddedKafka kafka, int n) {
        try (TopicReader<MetricBatch> metrics = new TopicReader<>(kafka.bootstrapServers(), Topics.METRICS, Serdes.metrics())) {
            metrics.awaitUntil(ms -> ms.stream().filter(m -> m.getSnapshotId().equals(CrashInput.snapshotId(n)))
                            .map(MetricBatch::getInstanceId).distinct().count() == INSTANCES,
                    Duration.ofSeconds(60), "snapshot " + n + " of every instance analyzed");
        }
    }

    /**
     * Waits until the last snapshot of every instance is analyzed (each of its 4 kinds is full then, so each has
     * points), then reads a little longer for anything published twice, and returns the run's outputs.
     */
    private static Published awaitAll(EmbeddedKafka kafka) {
        String last = CrashInput.snapshotId(SNAPSHOTS - 1);
        try (TopicReader<MetricBatch> metrics = new TopicReader<>(kafka.bootstrapServers(), Topics.METRICS, Serdes.metrics());
             TopicReader<Rollup> minutes = new TopicReader<>(kafka.bootstrapServers(), Topics.ROLLUPS_PREFIX + "1m", Serdes.rollup());
             TopicReader<Rollup> hours = new TopicReader<>(kafka.bootstrapServers(), Topics.ROLLUPS_PREFIX + "1h", Serdes.rollup());
             TopicReader<Violation> violations = new TopicReader<>(kafka.bootstrapServers(), Topics.VIOLATIONS, Serdes.violation())) {
            metrics.awaitUntil(ms -> kindsOf(ms, last).size() == 4 * INSTANCES, Duration.ofSeconds(120),
                    "the last snapshot of every instance analyzed");
            List<MetricBatch> ms = metrics.drainFor(Duration.ofSeconds(2));
            List<Rollup> rs = new ArrayList<>(minutes.drainFor(Duration.ofMillis(500)));
            rs.addAll(hours.drainFor(Duration.ofMillis(500)));
            List<Violation> vs = violations.drainFor(Duration.ofMillis(500));
            return new Published(metricsOf(ms), rollupsOf(rs), violationsOf(vs));
        }
    }

    /** instance/kind of the points of snapshot {@code id}, for the kinds every snapshot has points of. */
    private static Set<String> kindsOf(List<MetricBatch> batches, String id) {
        Set<String> out = new HashSet<>();
        for (MetricBatch m : batches) {
            if (m.getSnapshotId().equals(id)) {
                MetricBatches.forEachPoint(m, (name, labels, value) -> {
                    String kind = name.substring(0, name.indexOf('.'));
                    if (List.of("database", "statement", "table", "index").contains(kind)) {
                        out.add(m.getInstanceId() + "/" + kind);
                    }
                });
            }
        }
        return out;
    }

    /** (instance, interval, point name, labels) → value. */
    private static Map<String, List<String>> metricsOf(List<MetricBatch> batches) {
        Map<String, List<String>> out = new TreeMap<>();
        for (MetricBatch m : batches) {
            String interval = m.getInstanceId() + " " + m.getSnapshotId() + " [" + m.getIntervalStart() + ", " + m.getIntervalEnd() + ")";
            MetricBatches.forEachPoint(m, (name, labels, value) ->
                    out.computeIfAbsent(interval + " " + name + new TreeMap<>(labels), k -> new ArrayList<>()).add(Double.toString(value)));
        }
        return out;
    }

    /** (window size, instance, metric, window) → every series' count, min, max, sum, avg, last. */
    private static Map<String, List<String>> rollupsOf(List<Rollup> rollups) {
        Map<String, List<String>> out = new TreeMap<>();
        for (Rollup r : rollups) {
            String series = Rollups.series(r).stream().sorted(Comparator.comparing(s -> new TreeMap<>(s.getLabels()).toString()))
                    .map(s -> new TreeMap<>(s.getLabels()) + "=" + s.getCount() + "/" + s.getMin() + "/" + s.getMax() + "/" + s.getSum()
                            + "/" + s.getAvg() + "/" + s.getLast())
                    .collect(Collectors.joining(" "));
            out.computeIfAbsent(r.getWindow() + " " + r.getInstanceId() + " " + r.getName() + " " + r.getWindowStart(), k -> new ArrayList<>())
                    .add(series);
        }
        return out;
    }

    /** (instance, rule, object, state, snapshot) → severity and value. */
    private static Map<String, List<String>> violationsOf(List<Violation> violations) {
        Map<String, List<String>> out = new TreeMap<>();
        for (Violation v : violations) {
            out.computeIfAbsent(v.getInstanceId() + " " + v.getRule() + " " + v.getObject() + " " + v.getState() + " " + v.getSnapshotId(),
                    k -> new ArrayList<>()).add(v.getSeverity() + " " + v.getValue() + " since " + v.getStartsAt());
        }
        return out;
    }

    /** The reference must hold what the comparison is about, or the comparison proves nothing. */
    private void assertReferenceIsWhole(Published a) {
        for (int i = 0; i < INSTANCES; i++) {
            for (int n = 1; n < SNAPSHOTS; n++) {
                String prefix = CrashInput.instance(i) + " " + CrashInput.snapshotId(n) + " ";
                assertThat(a.metrics().keySet()).as("reference: database points of %s", prefix)
                        .anyMatch(k -> k.startsWith(prefix) && k.contains(" database.tps"));
            }
        }
        assertThat(a.metrics().keySet()).anyMatch(k -> k.contains("statement.calls_per_s")).anyMatch(k -> k.contains("table.seq_scans_per_s"))
                .anyMatch(k -> k.contains("index.scans_per_s"));
        assertThat(a.rollups().keySet()).as("minutes closed").anyMatch(k -> k.startsWith("1m "));
        assertThat(a.rollups().keySet()).as("an hour closed").anyMatch(k -> k.startsWith("1h "));
        String firesAt = CrashInput.snapshotId(CrashInput.LOW_CACHE_FROM + 1);
        assertThat(a.violations().keySet()).as("cache hit ratio fires at its 2nd low interval on even instances")
                .contains(CrashInput.instance(0) + " cache_hit_ratio shop FIRING " + firesAt,
                        CrashInput.instance(2) + " cache_hit_ratio shop FIRING " + firesAt);
        assertThat(a.violations().keySet()).anyMatch(k -> k.contains("statement_mean_time") && k.contains("FIRING"))
                .anyMatch(k -> k.contains("dead_rows") && k.contains("FIRING"));
    }

    private static void compare(SoftAssertions soft, String run, Published reference, Published other) {
        same(soft, run, "pgvigil.metrics (instance, snapshot [interval), point labels)", reference.metrics(), other.metrics());
        same(soft, run, "pgvigil.rollups.* (window, instance, metric, start)", reference.rollups(), other.rollups());
        same(soft, run, "pgvigil.violations (instance, rule, object, state, snapshot)", reference.violations(), other.violations());
    }

    /** Lists every key missing, extra, published more than once, or of another value; at most 25 lines of each. */
    private static void same(SoftAssertions soft, String run, String what, Map<String, List<String>> expected, Map<String, List<String>> actual) {
        List<String> missing = new ArrayList<>(), extra = new ArrayList<>(), twice = new ArrayList<>(), differ = new ArrayList<>();
        expected.forEach((k, v) -> {
            List<String> got = actual.get(k);
            if (got == null) {
                missing.add(k + " = " + v);
            } else if (!got.get(0).equals(v.get(0))) {
                differ.add(k + ": expected " + v.get(0) + ", got " + got.get(0));
            }
        });
        actual.forEach((k, v) -> {
            if (!expected.containsKey(k)) {
                extra.add(k + " = " + v);
            }
            if (v.size() > 1) {
                twice.add(k + " published " + v.size() + " times: " + v);
            }
        });
        soft.assertThat(firstOf(missing)).as("%s, %s: gaps (%d)", run, what, missing.size()).isEmpty();
        soft.assertThat(firstOf(extra)).as("%s, %s: not in the reference (%d)", run, what, extra.size()).isEmpty();
        soft.assertThat(firstOf(twice)).as("%s, %s: duplicates (%d)", run, what, twice.size()).isEmpty();
        soft.assertThat(firstOf(differ)).as("%s, %s: other values (%d)", run, what, differ.size()).isEmpty();
    }

    private static List<String> firstOf(List<String> lines) {
        return lines.stream().limit(25).toList();
    }

    /**
     * Until the metrics of {@code snapshotId} of the instance are on the topic, committed or not: the analyzer has
     * processed it, and its commit (once a second) has likely not happened yet. A kill now loses work in flight.
     */
    private static void awaitUncommitted(EmbeddedKafka kafka, String instance, String snapshotId) {
        try (KafkaConsumer<String, MetricBatch> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"), new StringDeserializer(),
                Serdes.metrics().deserializer())) {
            TopicPartition partition = new TopicPartition(Topics.METRICS, partitionOf(instance));
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(20))) {
                    if (r.key().equals(instance) && r.value().getSnapshotId().equals(snapshotId)) {
                        return;
                    }
                }
            }
            throw new AssertionError("no metrics of " + instance + " " + snapshotId);
        }
    }

    /** The partition the producer's default partitioner gives this key. */
    private static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    /** How many data records a consumer of this isolation level reads from the topic, start to end. */
    private static long records(EmbeddedKafka kafka, String topic, String isolation) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long n = 0;
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                n += consumer.poll(Duration.ofMillis(200)).count();
            }
            return n;
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) throws Exception {
        if (Files.exists(root)) {
            try (var paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        assertThat(root).doesNotExist();
    }
}

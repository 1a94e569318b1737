package dev.pgvigil.bench.analyzer;

import dev.pgvigil.analyzer.Analyzer;
import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.schema.Violation;
import dev.pgvigil.schema.kafka.AvroSerde;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.TopicSetup;
import dev.pgvigil.schema.kafka.Topics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The analyzer against the limit of this machine, in one run on one in-process KRaft broker:
 *
 * <ol>
 *   <li>a synthetic fleet ({@code --instances} x {@code --entities} statements, tables and indexes, every
 *       entity moving every snapshot) writes {@code --snapshots} snapshots per instance as a backlog;</li>
 *   <li>baseline: a plain KafkaConsumer reads the same six topics and only deserializes each record;</li>
 *   <li>the analyzer topology (exactly-once, RocksDB state, every output) processes the same backlog;</li>
 * </ol>
 * both after a warm-up pass of their own, reported as records/s and the ratio analyzer / plain. Then,
 * with the analyzer caught up, {@code --rounds} rounds of live snapshots measure the latency from a
 * snapshot's collectedAt to its violation on pgvigil.violations (p50, p99).
 */
public final class AnalyzerBenchmark {
    private static final List<String> INPUTS = List.of(Topics.SNAPSHOTS, Topics.STATS_DATABASE, Topics.STATS_STATEMENTS,
            Topics.STATS_TABLES, Topics.STATS_INDEXES, Topics.STATS_ACTIVITY);

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        int instances = option(a, "--instances", 100);
        int entities = option(a, "--entities", 200);
        int snapshots = option(a, "--snapshots", 10);
        int rounds = option(a, "--rounds", 6);
        int intervalSeconds = option(a, "--interval-seconds", 10);
        int partitions = option(a, "--partitions", 2);
        commitMs = option(a, "--commit-ms", 0);
        entityMetrics = !a.contains("--no-entity-metrics");
        int at = a.indexOf("--rollup-metrics");
        rollupMetrics = at >= 0 && at + 1 < a.size() ? a.get(at + 1) : null;
        perThread = a.contains("--threads");
        warmups = option(a, "--warmups", 2);
        streamThreads = option(a, "--stream-threads", 0);
        SyntheticFleet fleet = new SyntheticFleet(instances, entities);
        System.out.printf(Locale.ROOT, "fleet: %d instances x %d statements, tables and indexes; %d snapshots each; %d partitions;"
                + " entity metrics %s; rollup metrics %s%n", instances, entities, snapshots, partitions, entityMetrics ? "on" : "off",
                rollupMetrics == null ? "default" : rollupMetrics);

        Path work = Files.createTempDirectory("pgvigil-analyzer-bench-");
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
            try (Admin admin = kafka.admin()) {
                TopicSetup.ensureAll(admin, partitions, (short) 1);
            }
            long records;
            Instant base = Instant.now().minusSeconds(10L * (snapshots + 1));
            long produceStart = System.nanoTime();
            try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
                records = 0;
                for (int k = 0; k < snapshots; k++) {
                    for (int i = 0; i < instances; i++) {
                        for (ProducerRecord<String, byte[]> r : fleet.snapshot(i, k, base.plusSeconds(10L * k).plusMillis(i))) {
                            producer.send(r);
                            records++;
                        }
                    }
                }
                producer.flush();
            }
            long entityCount = (long) instances * snapshots * (3 * entities + 3 + 1);
            System.out.printf(Locale.ROOT, "backlog: %,d records (%,d entities) produced in %.1f s%n", records, entityCount,
                    (System.nanoTime() - produceStart) / 1e9);

            // a pass of the plain consumer lasts about a second, so one pass is at the mercy of the JIT compiler
            // and of the machine: two warm-ups, then the median of three
            plainConsumer(kafka, records);
            plainConsumer(kafka, records);
            double[] plainPasses = {plainConsumer(kafka, records), plainConsumer(kafka, records), plainConsumer(kafka, records)};
            Arrays.sort(plainPasses);
            double plain = plainPasses[1];
            System.out.printf(Locale.ROOT, "plain consumer (deserialize only): %,.0f records/s (%,.0f entities/s), median of %,.0f / %,.0f / %,.0f%n",
                    plain, plain * entityCount / records, plainPasses[0], plainPasses[1], plainPasses[2]);

            if (a.contains("--floor")) {
                floors(kafka, work, records);
            }

            // warm-up: same work, its own application id and state each time, until the JIT compiler is mostly done
            for (int w = 1; w <= warmups; w++) {
                analyzerPass(kafka, work, records, "warmup" + w).analyzer().close();
            }
            Pass measured = analyzerPass(kafka, work, records, "measured");
            System.out.printf(Locale.ROOT, "analyzer: %,.0f records/s (%,.0f entities/s)%n", measured.recordsPerSecond,
                    measured.recordsPerSecond * entityCount / records);
            System.out.printf(Locale.ROOT, "ratio analyzer / plain consumer: %.2f (goal >= 0.25, issue 14)%n", measured.recordsPerSecond / plain);

            try (Analyzer analyzer = measured.analyzer) {
                latency(kafka, fleet, snapshots, rounds, intervalSeconds);
            }
        }
    }

    /** Kafka Streams commit.interval.ms for the analyzer; 0 keeps pgvigil's default. */
    private static int commitMs;
    /** Kafka Streams num.stream.threads for the analyzer; 0 keeps pgvigil's default. */
    private static int streamThreads;
    /** Analyzer passes before the measured one. */
    private static int warmups;
    /** Whether to print the CPU time of every group of threads (Java and native) in each analyzer pass. */
    private static boolean perThread;
    /** Whether the analyzer publishes per-statement, per-table and per-index points (analyzer.entityMetrics). */
    private static boolean entityMetrics;
    /** analyzer.rollupMetrics as a comma-separated list, or null for the default. */
    private static String rollupMetrics;

    public static int option(List<String> a, String name, int dflt) {
        int i = a.indexOf(name);
        return i >= 0 ? Integer.parseInt(a.get(i + 1)) : dflt;
    }

    /**
     * The benchmark's own writer of input. Not idempotent, one request in flight (so still in order): on this
     * broker an idempotent producer's first batch to a fresh partition was refused as out of sequence and retried
     * for up to the delivery timeout, which made writing the backlog take minutes.
     */
    static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "compression.type", "lz4", "linger.ms", "10",
                "batch.size", String.valueOf(512 * 1024), "max.request.size", String.valueOf(4 << 20), "enable.idempotence", "false",
                "max.in.flight.requests.per.connection", "1", "acks", "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Reads every input record from the beginning and deserializes it; records per second. */
    /** The serde of each input topic. */
    private static Map<String, AvroSerde<?>> inputSerdes() {
        return Map.of(Topics.SNAPSHOTS, Serdes.snapshotInfo(), Topics.STATS_DATABASE, Serdes.databaseStats(),
                Topics.STATS_STATEMENTS, Serdes.statements(), Topics.STATS_TABLES, Serdes.tables(), Topics.STATS_INDEXES, Serdes.indexes(),
                Topics.STATS_ACTIVITY, Serdes.activity());
    }

    private static double plainConsumer(EmbeddedKafka kafka, long expected) {
        Map<String, AvroSerde<?>> serdes = inputSerdes();
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("enable.auto.commit", "false");
        p.put("max.partition.fetch.bytes", String.valueOf(8 << 20));
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = partitions(consumer);
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long start = System.nanoTime();
            long read = 0;
            while (read < expected) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (serdes.get(r.topic()).deserialize(r.topic(), r.value()) != null) {
                        read++;
                    }
                }
            }
            return read / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer) {
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : INPUTS) {
            consumer.partitionsFor(t).forEach(i -> parts.add(new TopicPartition(t, i.partition())));
        }
        return parts;
    }

    private record Pass(Analyzer analyzer, double recordsPerSecond) {}

    /** Runs a fresh analyzer over the whole backlog; time from RUNNING until it has processed every input record. */
    private static Pass analyzerPass(EmbeddedKafka kafka, Path work, long records, String name) throws Exception {
        ConfigFile file = benchConfig(kafka, work, name);
        Analyzer analyzer = Analyzer.start(file.section("kafka", KafkaSettings.class), file.section("analyzer", AnalyzerConfig.class));
        if (!analyzer.awaitRunning(Duration.ofSeconds(120))) {
            throw new IllegalStateException("analyzer did not start");
        }
        // done when the stream threads have processed every input record (their process-total metric),
        // so the commit interval does not blur the end
        long start = System.nanoTime();
        CpuTimes cpuBefore = CpuTimes.now(name);
        Map<String, Long> threadsBefore = perThread ? ThreadCpu.now() : Map.of();
        while (processed(analyzer) < records) {
            if (analyzer.failure().isPresent()) {
                throw new IllegalStateException("analyzer failed", analyzer.failure().get());
            }
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        CpuTimes cpu = CpuTimes.now(name).minus(cpuBefore);
        if (perThread) {
            ThreadCpu.print(threadsBefore, ThreadCpu.now());
        }
        System.out.printf(Locale.ROOT, "analyzer pass '%s': %,d records in %.1f s; CPU: stream threads %.1f s, whole process (broker too) %.1f s%n",
                name, records, seconds, cpu.streamThreadsNanos() / 1e9, cpu.processNanos() / 1e9);
        printOutputs(analyzer);
        return new Pass(analyzer, records / seconds);
    }

    /** What the pass wrote, per topic (outputs and changelogs): where the producer's work went. */
    private static void printOutputs(Analyzer analyzer) {
        Map<String, double[]> perTopic = new TreeMap<>();
        analyzer.streams().metrics().values().stream()
                .filter(m -> m.metricName().group().equals("producer-topic-metrics"))
                .forEach(m -> {
                    String topic = m.metricName().tags().get("topic");
                    double[] v = perTopic.computeIfAbsent(topic, t -> new double[2]);
                    if (m.metricName().name().equals("record-send-total")) {
                        v[0] += ((Number) m.metricValue()).doubleValue();
                    } else if (m.metricName().name().equals("byte-total")) {
                        v[1] += ((Number) m.metricValue()).doubleValue();
                    }
                });
        perTopic.forEach((topic, v) -> System.out.printf(Locale.ROOT, "  wrote %,10.0f records %,8.1f MB (compressed) to %s%n",
                v[0], v[1] / 1048576, topic.replaceAll("^bench-analyzer-[a-z0-9]+-[0-9a-f]+-", "")));
    }

    /** The Kafka Streams properties the benchmark's options set. */
    private static List<String> streamsOverrides() {
        List<String> props = new ArrayList<>();
        if (commitMs > 0) {
            props.add("commit.interval.ms: \"" + commitMs + "\"");
        }
        if (streamThreads > 0) {
            props.add("num.stream.threads: \"" + streamThreads + "\"");
        }
        return props;
    }

    /** The analyzer's configuration for one pass: its own application id and state folder, the benchmark's options. */
    private static ConfigFile benchConfig(EmbeddedKafka kafka, Path work, String name) {
        return analyzerConfig(kafka, work, name, entityMetrics, rollupMetrics, streamsOverrides(), null);
    }

    /**
     * An analyzer's configuration with its own application id and state folder under {@code work};
     * {@code rollupMetrics} null for the default, {@code streams} as YAML {@code key: "value"} pairs.
     */
    /** @param stateCacheEntries the analyzer key of that name, or null for its default */
    static ConfigFile analyzerConfig(EmbeddedKafka kafka, Path work, String name, boolean entityMetrics, String rollupMetrics,
                                     List<String> streams, Integer stateCacheEntries) {
        String appId = "bench-analyzer-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        return ConfigFile.parse("bench.yaml", """
                kafka: { bootstrapServers: "%s" }
                analyzer:
                  applicationId: %s
                  stateDir: %s
                  entityMetrics: %s
                  streams: { %s }
                %s%s""".formatted(kafka.bootstrapServers(), appId, work.resolve(appId), entityMetrics,
                String.join(", ", streams),
                stateCacheEntries == null ? "" : "  stateCacheEntries: " + stateCacheEntries + "\n",
                rollupMetrics == null ? "" : "  rollupMetrics: [" + String.join(", ", Arrays.stream(rollupMetrics.split(","))
                        .map(m -> "\"" + m.trim() + "\"").toList()) + "]\n"));
    }

    /**
     * The floors of {@link StreamsFloor} against the plain consumer: after two warm-ups of each, three
     * rounds of plain, decode-only and decode-plus-state passes back to back, so that each round's ratios
     * compare passes that ran under the same load; the medians of the rounds' ratios.
     */
    private static void floors(EmbeddedKafka kafka, Path work, long records) throws Exception {
        for (int w = 1; w <= 2; w++) {
            floorPass(kafka, work, records, StreamsFloor.Kind.DECODE, "warmup" + w);
            floorPass(kafka, work, records, StreamsFloor.Kind.STATE, "warmup" + w);
        }
        double[] decode = new double[3];
        double[] state = new double[3];
        for (int round = 0; round < 3; round++) {
            double plain = plainConsumer(kafka, records);
            double d = floorPass(kafka, work, records, StreamsFloor.Kind.DECODE, "round" + round);
            double st = floorPass(kafka, work, records, StreamsFloor.Kind.STATE, "round" + round);
            decode[round] = d / plain;
            state[round] = st / plain;
            System.out.printf(Locale.ROOT, "  floors, round %d: plain %,.0f, decode only %,.0f (%.2f), decode + state %,.0f (%.2f) records/s%n",
                    round + 1, plain, d, decode[round], st, state[round]);
        }
        Arrays.sort(decode);
        Arrays.sort(state);
        System.out.printf(Locale.ROOT, "Kafka Streams floor, same settings, decode only: %.2f of the plain consumer (median of 3 rounds)%n", decode[1]);
        System.out.printf(Locale.ROOT, "Kafka Streams floor, same settings, decode + every entity's numbers in a changelogged store:"
                + " %.2f of the plain consumer (median of 3 rounds)%n", state[1]);
    }

    /** One pass of a floor topology with the analyzer's settings, its own application id; records per second. */
    private static double floorPass(EmbeddedKafka kafka, Path work, long records, StreamsFloor.Kind kind, String name) throws Exception {
        ConfigFile file = benchConfig(kafka, work, "floor-" + kind.name().toLowerCase(Locale.ROOT) + "-" + name);
        try (KafkaStreams streams = StreamsFloor.start(file.section("kafka", KafkaSettings.class),
                file.section("analyzer", AnalyzerConfig.class), inputSerdes(), kind)) {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long start = System.nanoTime();
            while (processed(streams) < records) {
                Thread.sleep(20);
            }
            return records / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** CPU time so far of this process and of the stream threads of one pass (named after its application id). */
    private record CpuTimes(long processNanos, long streamThreadsNanos) {
        static CpuTimes now(String pass) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long stream = 0;
            for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (t != null && t.getThreadName().contains("-" + pass + "-") && t.getThreadName().contains("StreamThread")) {
                    stream += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
                }
            }
            long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
            return new CpuTimes(process, stream);
        }

        CpuTimes minus(CpuTimes earlier) {
            return new CpuTimes(processNanos - earlier.processNanos, streamThreadsNanos - earlier.streamThreadsNanos);
        }
    }

    static long processed(Analyzer analyzer) {
        return processed(analyzer.streams());
    }

    /** Records the stream threads have processed: their process-total metrics, looked up once (listing all metrics is not free). */
    private static long processed(KafkaStreams streams) {
        List<? extends Metric> counters = PROCESS_TOTALS.computeIfAbsent(streams, s -> s.metrics().values().stream()
                .filter(m -> m.metricName().group().equals("stream-thread-metrics") && m.metricName().name().equals("process-total"))
                .toList());
        return counters.stream().mapToLong(m -> ((Number) m.metricValue()).longValue()).sum();
    }

    private static final Map<KafkaStreams, List<? extends Metric>> PROCESS_TOTALS = new IdentityHashMap<>();

    /** Live snapshots, every instance once per interval: latency from collectedAt to its violation. */
    private static void latency(EmbeddedKafka kafka, SyntheticFleet fleet, int firstSnapshot, int rounds, int intervalSeconds) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("isolation.level", "read_committed");
        List<Long> latenciesMs = Collections.synchronizedList(new ArrayList<>());
        try (KafkaConsumer<String, Violation> consumer = new KafkaConsumer<>(p, new StringDeserializer(), Serdes.violation());
             KafkaProducer<String, byte[]> producer = producer(kafka)) {
            List<TopicPartition> parts = consumer.partitionsFor(Topics.VIOLATIONS).stream()
                    .map(i -> new TopicPartition(Topics.VIOLATIONS, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            consumer.poll(Duration.ZERO);
            Instant phaseStart = Instant.now();
            long intervalNanos = intervalSeconds * 1_000_000_000L;
            long next = System.nanoTime();
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < fleet.instances(); i++) {
                    for (ProducerRecord<String, byte[]> r : fleet.snapshot(i, firstSnapshot + round, Instant.now())) {
                        producer.send(r);
                    }
                    producer.flush();
                    drain(consumer, phaseStart, latenciesMs);
                    next += intervalNanos / fleet.instances(); // spread over the interval, as the collector does
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (latenciesMs.size() < (long) rounds * fleet.instances() && System.nanoTime() < deadline) {
                drain(consumer, phaseStart, latenciesMs);
            }
        }
        List<Long> sorted = new ArrayList<>(latenciesMs);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            System.out.println("latency: no violations arrived");
            return;
        }
        System.out.printf(Locale.ROOT, "latency collectedAt -> violation on the topic (%d samples, %d instances every %d s): p50 %d ms, p99 %d ms, max %d ms%n",
                sorted.size(), fleet.instances(), intervalSeconds, percentile(sorted, 50), percentile(sorted, 99), sorted.get(sorted.size() - 1));
    }

    private static void drain(KafkaConsumer<String, Violation> consumer, Instant phaseStart, List<Long> latenciesMs) {
        long now = System.currentTimeMillis();
        for (ConsumerRecord<String, Violation> r : consumer.poll(Duration.ZERO)) {
            Violation v = r.value();
            if (v.getRule().equals("dead_rows") && !v.getObservedAt().isBefore(phaseStart)) {
                latenciesMs.add(now - v.getObservedAt().toEpochMilli());
            }
        }
    }

    private static long percentile(List<Long> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}

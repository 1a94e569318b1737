package dev.pgvigil.bench.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.bench.analyzer.AnalyzerBenchmark;
import dev.pgvigil.bench.sidebyside.SideBySide;
import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.collector.CollectorStats;
import dev.pgvigil.collector.TargetRunner;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.collector.fleet.Fencing;
import dev.pgvigil.collector.publish.KafkaSnapshotPublisher;
import dev.pgvigil.collector.publish.Publication;
import dev.pgvigil.collector.publish.StatusRecords;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.embedded.BrokerProcess;
import dev.pgvigil.embedded.Folders;
import dev.pgvigil.embedded.LocalFleet;
import dev.pgvigil.embedded.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the collector's transactions cost the broker, one snapshot per transaction against the snapshots that arrive
 * within a quarter of a second sharing one ({@link KafkaSnapshotPublisher.Batching}). Real snapshots (one full, one
 * partial per database, read by the collector's own code from a local cluster under a light workload) are handed to
 * the real publisher at a fleet's pace ({@code --targets} targets every {@code --interval} seconds, one full snapshot
 * in six as the collector sends them), fenced by a real group member as the collector's are, to a broker in a JVM of
 * its own. The two modes alternate in rounds of {@code --round-seconds}, so neither gets the quieter moment of the
 * shared machine; reported per snapshot: the broker's CPU, this JVM's CPU (the publisher), and the time from hand-over
 * to commit.
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/cp.txt) dev.pgvigil.bench.fleet.PublishBatchingBenchmark \
 *      [--databases 20] [--targets 100] [--interval 10] [--round-seconds 60] [--rounds 2] [--json]
 * </pre>
 */
public final class PublishBatchingBenchmark {
    private static final String GROUP = "bench-publish";
    private static final String MEMBERSHIP_TOPIC = "bench.publish.targets";

    /** Per mode, summed over its rounds: snapshots, CPU ms per snapshot of the broker and of this JVM, hand-over to commit. */
    record Mode(String name, int snapshots, int failed, double brokerCpuMs, double publisherCpuMs, double p50Ms, double p99Ms) {}

    private PublishBatchingBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        int databases = AnalyzerBenchmark.option(a, "--databases", 20);
        int targets = AnalyzerBenchmark.option(a, "--targets", 100);
        int interval = AnalyzerBenchmark.option(a, "--interval", 10);
        int roundSeconds = AnalyzerBenchmark.option(a, "--round-seconds", 60);
        int rounds = AnalyzerBenchmark.option(a, "--rounds", 2);
        boolean json = a.contains("--json");

        Path dir = Files.createTempDirectory("pgvigil-publish-bench-");
        try (LocalFleet fleet = new LocalFleet(Map.of("a", databases), 24, LocalPostgres.Options.defaults(), dir)) {
            fleet.startWorkload();
            BrokerProcess.Running broker = BrokerProcess.start("broker", dir, 0, "768m");
            try (var brokerProcess = broker.process();
                 KafkaConsumer<String, byte[]> member = member(broker.bootstrapServers())) {
                KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), null, null, null);
                KafkaSnapshotPublisher.ensureTopics(kafka);
                Fencing.Fence fence = joined(member);
                List<Publication[]> material = snapshots(fleet, dir.resolve("monitor.pw"), kafka, fence);
                System.out.printf(Locale.ROOT, "%d databases read (one full, one partial snapshot each); %d targets every %d s: %.1f snapshots/s%n",
                        material.size(), targets, interval, targets / (double) interval);
                Map<String, List<long[]>> samples = new LinkedHashMap<>();
                Map<String, List<Double>> latencies = new LinkedHashMap<>();
                Map<String, KafkaSnapshotPublisher.Batching> modes = new LinkedHashMap<>();
                modes.put("one transaction per snapshot", KafkaSnapshotPublisher.Batching.NONE);
                modes.put("snapshots within 250 ms share one", KafkaSnapshotPublisher.Batching.DEFAULT);
                for (int round = 0; round <= rounds; round++) { // round 0 warms both up and is not counted
                    for (var mode : modes.entrySet()) {
                        List<Double> ms = new ArrayList<>();
                        long[] cost = round(kafka, mode.getValue(), fence, material, targets, interval, roundSeconds, brokerProcess.pid(), ms);
                        if (round > 0) {
                            samples.computeIfAbsent(mode.getKey(), k -> new ArrayList<>()).add(cost);
                            latencies.computeIfAbsent(mode.getKey(), k -> new ArrayList<>()).addAll(ms);
                        }
                        System.out.printf(Locale.ROOT, "round %d, %s: %d snapshots, %d failed, broker %.2f ms, publisher %.2f ms CPU per snapshot%n",
                                round, mode.getKey(), cost[0], cost[1], cost[2] / 1e6 / cost[0], cost[3] / 1e6 / cost[0]);
                    }
                }
                List<Mode> results = new ArrayList<>();
                samples.forEach((name, list) -> results.add(mode(name, list, latencies.get(name))));
                report(results, targets, interval, json);
            }
        } finally {
            Folders.deleteQuietly(dir);
        }
    }

    /**
     * For each database: a full snapshot, then (once the first was published and a few seconds of workload went by)
     * a partial one, as the collector reads them.
     */
    private static List<Publication[]> snapshots(LocalFleet fleet, Path passwordFile, KafkaSettings kafka, Fencing.Fence fence) {
        List<Publication[]> material = new ArrayList<>();
        List<TargetRunner> runners = new ArrayList<>();
        try (KafkaSnapshotPublisher publisher = new KafkaSnapshotPublisher(kafka, Duration.ofSeconds(30), id -> fence, GROUP,
                KafkaSnapshotPublisher.Batching.NONE, new StatusRecords("bench"))) {
            for (LocalFleet.Target t : fleet.targets()) {
                TargetConfig target = new TargetConfig(t.id(), t.pg().jdbcUrl(t.database()), LocalFleet.MONITOR, null,
                        null, passwordFile.toString(), null, null, List.of(t.database()), null);
                TargetRunner runner = new TargetRunner(target, CollectorConfig.of(List.of(target)));
                runners.add(runner);
                Publication full = runner.collect();
                runner.runCycle(publisher, new CollectorStats()).join(); // published: the runner's next snapshot is partial
                material.add(new Publication[] {full, null});
            }
            LocalFleet.sleep(Duration.ofSeconds(5));
            for (int i = 0; i < runners.size(); i++) {
                material.get(i)[1] = runners.get(i).collect();
            }
        } finally {
            runners.forEach(TargetRunner::close);
        }
        return material;
    }

    /**
     * One round: every target hands a snapshot over every {@code interval} s (spread over the interval), one in six a
     * full one. Returns snapshots, failures, and the broker's and this JVM's CPU in ns.
     */
    private static long[] round(KafkaSettings kafka, KafkaSnapshotPublisher.Batching batching, Fencing.Fence fence, List<Publication[]> material,
                                int targets, int interval, int seconds, long brokerPid, List<Double> latenciesMs) throws Exception {
        ScheduledExecutorService ticks = Executors.newScheduledThreadPool(2);
        AtomicInteger failed = new AtomicInteger();
        ConcurrentLinkedQueue<CompletableFuture<Void>> pending = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Double> ms = new ConcurrentLinkedQueue<>();
        AtomicInteger handed = new AtomicInteger();
        long self = ProcessHandle.current().pid();
        long brokerBefore;
        long selfBefore;
        try (KafkaSnapshotPublisher publisher = new KafkaSnapshotPublisher(kafka, Duration.ofSeconds(30), id -> fence, GROUP, batching,
                new StatusRecords("bench"))) {
            brokerBefore = ProcCpu.of(brokerPid);
            selfBefore = ProcCpu.of(self);
            long periodMs = interval * 1000L;
            for (int t = 0; t < targets; t++) {
                Publication[] snapshots = material.get(t % material.size());
                AtomicInteger cycle = new AtomicInteger();
                ticks.scheduleAtFixedRate(() -> {
                    Publication p = snapshots[cycle.getAndIncrement() % 6 == 0 ? 0 : 1];
                    long start = System.nanoTime();
                    handed.incrementAndGet();
                    pending.add(publisher.submit(p).whenComplete((ok, e) -> {
                        ms.add((System.nanoTime() - start) / 1e6);
                        if (e != null) {
                            failed.incrementAndGet();
                        }
                    }));
                }, t * periodMs / targets, periodMs, TimeUnit.MILLISECONDS);
            }
            LocalFleet.sleep(Duration.ofSeconds(seconds));
            ticks.shutdownNow();
            ticks.awaitTermination(10, TimeUnit.SECONDS);
            // a mode that cannot keep up has a backlog to commit: its cost counts, and the latencies show it
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((v, e) -> null).get(Math.max(60, 10L * seconds), TimeUnit.SECONDS);
        }
        latenciesMs.addAll(ms);
        return new long[] {handed.get(), failed.get(), ProcCpu.of(brokerPid) - brokerBefore, ProcCpu.of(self) - selfBefore};
    }

    private static Mode mode(String name, List<long[]> rounds, List<Double> latencies) {
        long n = rounds.stream().mapToLong(r -> r[0]).sum();
        long failed = rounds.stream().mapToLong(r -> r[1]).sum();
        return new Mode(name, (int) n, (int) failed, rounds.stream().mapToLong(r -> r[2]).sum() / 1e6 / n,
                rounds.stream().mapToLong(r -> r[3]).sum() / 1e6 / n, SideBySide.percentile(latencies, 0.50), SideBySide.percentile(latencies, 0.99));
    }

    private static void report(List<Mode> modes, int targets, int interval, boolean json) throws Exception {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-36s %10s %7s %14s %16s %9s %9s%n", "mode", "snapshots", "failed", "broker CPU ms", "publisher CPU ms",
                "p50 ms", "p99 ms");
        for (Mode m : modes) {
            System.out.printf(Locale.ROOT, "%-36s %10d %7d %14.2f %16.2f %9.0f %9.0f%n", m.name(), m.snapshots(), m.failed(), m.brokerCpuMs(),
                    m.publisherCpuMs(), m.p50Ms(), m.p99Ms());
        }
        Mode one = modes.get(0);
        Mode shared = modes.get(1);
        System.out.printf(Locale.ROOT, "shared / one per snapshot: broker CPU %.2f, publisher CPU %.2f (per snapshot, same run)%n",
                shared.brokerCpuMs() / one.brokerCpuMs(), shared.publisherCpuMs() / one.publisherCpuMs());
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("targets", targets);
            out.put("intervalSeconds", interval);
            out.put("modes", modes);
            out.put("brokerCpuRatio", shared.brokerCpuMs() / one.brokerCpuMs());
            out.put("publisherCpuRatio", shared.publisherCpuMs() / one.publisherCpuMs());
            System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
        }
    }

    /** A member of a group of its own, as a collector is of its group: its metadata fences the transactions. */
    private static KafkaConsumer<String, byte[]> member(String bootstrapServers) {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(MEMBERSHIP_TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + MEMBERSHIP_TOPIC + ": " + e.getMessage(), e);
        }
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, GROUP, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Duration.ofHours(2).toMillis()),
                new StringDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(MEMBERSHIP_TOPIC));
        return c;
    }

    private static Fencing.Fence joined(KafkaConsumer<String, byte[]> member) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (member.assignment().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the benchmark's group member got no partition within 60 s");
            }
            member.poll(Duration.ofMillis(200));
        }
        return new Fencing.Fence(member.groupMetadata(), Map.of(new TopicPartition(MEMBERSHIP_TOPIC, 0), new OffsetAndMetadata(0)));
    }
}

package dev.pgvigil.bench.analyzer;

import dev.pgvigil.analyzer.Analyzer;
import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.schema.kafka.TopicSetup;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Catch-up after an analyzer outage (issue 14): the fleet goes on publishing while no analyzer runs for
 * {@code --outage-minutes}; then one analyzer starts, with the fleet still publishing live, and the
 * benchmark measures how long it takes to be current again: to have processed everything published up
 * to one interval before now. Reported as seconds and as a ratio to the outage.
 *
 * <p>The default fleet is DESIGN.md's reference fleet: 1,000 instances with 1,000 statements, tables and
 * indexes each, every 10 s, {@code --moving-percent} of each kind moving, partial snapshots as the collector
 * sends them (a full one every sixth). The backlog is written faster than real time but dated as it was
 * collected. While behind, the analyzer drains at its rate less the live rate, so the catch-up time grows
 * with the outage in proportion: a shorter {@code --outage-minutes} gives the same ratio sooner.
 */
public final class CatchUpBenchmark {

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        int instances = AnalyzerBenchmark.option(a, "--instances", 1_000);
        int entities = AnalyzerBenchmark.option(a, "--entities", 1_000);
        int movingPercent = AnalyzerBenchmark.option(a, "--moving-percent", 15);
        int intervalSeconds = AnalyzerBenchmark.option(a, "--interval-seconds", 10);
        int outageMinutes = AnalyzerBenchmark.option(a, "--outage-minutes", 10);
        int partitions = AnalyzerBenchmark.option(a, "--partitions", 2);
        int giveUpMinutes = AnalyzerBenchmark.option(a, "--give-up-minutes", 6 * outageMinutes + 5);
        // the analyzer key stateCacheEntries; its default holds about 250 instances per stream task
        SyntheticFleet fleet = new SyntheticFleet(instances, entities, movingPercent / 100.0);
        int cycles = outageMinutes * 60 / intervalSeconds;
        double liveEntitiesPerSecond = 0;
        for (int n = 0; n < SyntheticFleet.FULL_EVERY; n++) {
            liveEntitiesPerSecond += fleet.entitiesIn(n);
        }
        liveEntitiesPerSecond = liveEntitiesPerSecond / SyntheticFleet.FULL_EVERY * instances / intervalSeconds;
        System.out.printf(Locale.ROOT, "fleet: %d instances x %d statements, tables and indexes, %d %% moving, every %d s"
                        + " (%,.0f entities/s live); outage %d min; %d partitions%n",
                instances, entities, movingPercent, intervalSeconds, liveEntitiesPerSecond, outageMinutes, partitions);

        Path work = Files.createTempDirectory("pgvigil-catch-up-bench-");
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
             KafkaProducer<String, byte[]> producer = AnalyzerBenchmark.producer(kafka)) {
            try (Admin admin = kafka.admin()) {
                TopicSetup.ensureAll(admin, partitions, (short) 1);
            }
            AtomicLong produced = new AtomicLong();
            // the outage: what the collectors published while no analyzer ran, dated when it was collected
            Instant liveFrom = Instant.now().plusSeconds(5);
            Instant outageStart = liveFrom.minus(Duration.ofMinutes(outageMinutes));
            long produceStart = System.nanoTime();
            long backlogEntities = 0;
            for (int n = 0; n < cycles; n++) {
                for (int i = 0; i < instances; i++) {
                    send(producer, produced, fleet.snapshot(i, n, collectedAt(outageStart, n, i, instances, intervalSeconds)));
                    backlogEntities += fleet.entitiesIn(n);
                }
                if ((n + 1) % Math.max(1, cycles / 10) == 0) {
                    System.out.printf(Locale.ROOT, "  backlog: %d of %d cycles written%n", n + 1, cycles);
                }
            }
            producer.flush();
            System.out.printf(Locale.ROOT, "backlog: %,d records (%,d entities) written in %.0f s%n", produced.get(), backlogEntities,
                    (System.nanoTime() - produceStart) / 1e9);

            // live: every instance once per interval, spread over it as the collectors do, from where the backlog ends;
            // produced-so-far by wall clock, to tell what "everything published up to an interval ago" was
            ConcurrentSkipListMap<Long, Long> producedAt = new ConcurrentSkipListMap<>();
            producedAt.put(System.currentTimeMillis(), produced.get());
            Thread live = new Thread(() -> publishLive(fleet, producer, produced, producedAt, cycles, intervalSeconds), "live-fleet");
            live.setDaemon(true);
            live.start();

            long cpuBefore = processCpuNanos();
            long start = System.nanoTime();
            ConfigFile file = AnalyzerBenchmark.analyzerConfig(kafka, work, "catch-up", true, null, List.of(),
                    a.contains("--state-cache-entries") ? AnalyzerBenchmark.option(a, "--state-cache-entries", 0) : null);
            try (Analyzer analyzer = Analyzer.start(file.section("kafka", KafkaSettings.class), file.section("analyzer", AnalyzerConfig.class))) {
                long nextReport = start;
                while (true) {
                    if (analyzer.failure().isPresent()) {
                        throw new IllegalStateException("analyzer failed", analyzer.failure().get());
                    }
                    long processed = AnalyzerBenchmark.processed(analyzer);
                    var anIntervalAgo = producedAt.floorEntry(System.currentTimeMillis() - intervalSeconds * 1000L);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (anIntervalAgo != null && processed >= anIntervalAgo.getValue()) {
                        double cpu = (processCpuNanos() - cpuBefore) / 1e9;
                        System.out.printf(Locale.ROOT, "current again after %.0f s for an outage of %d s: ratio %.2f"
                                        + " (process CPU meanwhile %.0f s, the broker and the live writer included)%n",
                                seconds, outageMinutes * 60, seconds / (outageMinutes * 60.0), cpu);
                        break;
                    }
                    if (System.nanoTime() >= nextReport) {
                        System.out.printf(Locale.ROOT, "  %4.0f s: processed %,d of %,d records published%n", seconds, processed, produced.get());
                        nextReport += 15_000_000_000L;
                    }
                    if (seconds > giveUpMinutes * 60.0) {
                        System.out.printf(Locale.ROOT, "not current after %d min: processed %,d of %,d records (%.0f records/s;"
                                + " live adds %.0f records/s)%n", giveUpMinutes, processed, produced.get(), processed / seconds,
                                (produced.get() - producedAt.firstEntry().getValue()) / seconds);
                        break;
                    }
                    Thread.sleep(200);
                }
            }
            live.interrupt();
        }
    }

    /** When instance {@code i} was collected in cycle {@code n}: the instances spread over each interval. */
    private static Instant collectedAt(Instant first, int n, int i, int instances, int intervalSeconds) {
        return first.plusMillis(n * intervalSeconds * 1000L + (long) i * intervalSeconds * 1000L / instances);
    }

    private static void publishLive(SyntheticFleet fleet, KafkaProducer<String, byte[]> producer, AtomicLong produced,
                                    ConcurrentSkipListMap<Long, Long> producedAt, int firstCycle, int intervalSeconds) {
        int instances = fleet.instances();
        Instant first = Instant.now();
        for (int n = firstCycle; !Thread.currentThread().isInterrupted(); n++) {
            for (int i = 0; i < instances; i++) {
                Instant at = collectedAt(first, n - firstCycle, i, instances, intervalSeconds);
                long wait = Duration.between(Instant.now(), at).toMillis();
                try {
                    if (wait > 0) {
                        TimeUnit.MILLISECONDS.sleep(wait);
                    }
                } catch (InterruptedException e) {
                    return;
                }
                send(producer, produced, fleet.snapshot(i, n, at));
                producedAt.put(System.currentTimeMillis(), produced.get());
            }
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, AtomicLong produced, List<ProducerRecord<String, byte[]>> records) {
        for (ProducerRecord<String, byte[]> r : records) {
            producer.send(r);
            produced.incrementAndGet();
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}

package dev.pgvigil.bench.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.collector.fleet.TargetsTopic;
import dev.pgvigil.collector.publish.KafkaSnapshotPublisher;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.embedded.BrokerProcess;
import dev.pgvigil.embedded.LocalFleet;
import dev.pgvigil.embedded.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Issue 13 §3: a fleet of databases on local clusters watched by two collector JVMs sharing it through their
 * consumer group, one of them killed with SIGKILL at half time. Everything about collection is counted from the
 * topics ({@link EnvelopeLedger}, {@link Coverage}, {@link TransactionAudit}), costs from /proc and the collectors'
 * /metrics, and the cost of transactions at the producer ({@link TransactionCost}). The broker runs in a JVM of its
 * own, so its CPU is apart from the collectors'. Not a test: numbers vary with the machine.
 */
public final class CollectorFleetBenchmark {
    /** The run's parameters; every one has a command-line option of the same name. */
    record Options(int databases, int clusters, int tables, int interval, double minutes, int threads, String collectorHeap,
                   String brokerHeap, int workloadRound, boolean trackMonitor, boolean json) {
        static Options parse(String[] args) {
            List<String> a = Arrays.asList(args);
            return new Options(integer(a, "--databases", 1000), integer(a, "--clusters", 4), integer(a, "--tables", 30),
                    integer(a, "--interval", 10), Double.parseDouble(value(a, "--minutes", "10")), integer(a, "--threads", 8),
                    value(a, "--collector-heap", "1g"), value(a, "--broker-heap", "1g"), integer(a, "--workload-round", 60),
                    a.contains("--track-monitor"), a.contains("--json"));
        }

        private static int integer(List<String> a, String name, int otherwise) {
            return Integer.parseInt(value(a, name, String.valueOf(otherwise)));
        }

        private static String value(List<String> a, String name, String otherwise) {
            int i = a.indexOf(name);
            return i < 0 ? otherwise : a.get(i + 1);
        }
    }

    /** What was read at one moment: ms since the epoch, summed CPU ns of the live collectors and of the servers. */
    private record Sample(long atMs, long collectorsCpu, long collectorCycles, long serverCpu, Map<Long, Long> sessionsCpu) {}

    private final Options o;
    private final Map<String, Object> report = new LinkedHashMap<>();

    private CollectorFleetBenchmark(Options o) {
        this.o = o;
    }

    public static void main(String[] args) throws Exception {
        new CollectorFleetBenchmark(Options.parse(args)).run();
    }

    private void run() throws Exception {
        Path dir = Files.createTempDirectory("pgvigil-fleet-bench-");
        int perCluster = (o.databases() + o.clusters() - 1) / o.clusters();
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (int c = 1, left = o.databases(); c <= o.clusters() && left > 0; c++, left -= perCluster) {
            sizes.put("c" + c, Math.min(perCluster, left));
        }
        progress("fleet: %d databases on %d clusters, %d tables each, in %s (df: %s)", o.databases(), sizes.size(), o.tables(), dir,
                freeDisk(dir));
        long setup = System.nanoTime();
        // a session per target for the collectors, plus the workload's, the bench's and autovacuum's
        // and room in pg_stat_statements for every database's statements and pgvigil's own reads of it (about 30
        // per database): a full store evicts, every eviction moves pg_stat_statements_info.dealloc, and every
        // target of the cluster then reads the texts file again (docs/collector.md)
        LocalPostgres.Options pg = new LocalPostgres.Options(List.of("max_connections = " + (perCluster + 40),
                "pg_stat_statements.max = " + Math.max(5000, perCluster * 100)));
        try (LocalFleet fleet = new LocalFleet(sizes, o.tables(), pg, dir)) {
            if (!o.trackMonitor()) {
                // as docs/collector.md advises for a cluster watched per database: the monitor's own statements,
                // about 20 per database, would otherwise be most of each store that every target's read walks
                fleet.clusters().values().forEach(c -> c.execute("postgres",
                        "ALTER ROLE " + LocalFleet.MONITOR + " SET pg_stat_statements.track = 'none'"));
            }
            progress("fleet ready in %.0f s", (System.nanoTime() - setup) / 1e9);
            Map<String, Object> setupReport = new LinkedHashMap<>();
            setupReport.put("databases", o.databases());
            setupReport.put("clusters", sizes.size());
            setupReport.put("tablesPerDatabase", o.tables());
            setupReport.put("intervalSeconds", o.interval());
            setupReport.put("minutes", o.minutes());
            setupReport.put("threadsPerCollector", o.threads());
            setupReport.put("workloadRoundSeconds", o.workloadRound());
            setupReport.put("monitorStatementsTracked", o.trackMonitor());
            setupReport.put("setupSeconds", Math.round((System.nanoTime() - setup) / 1e9));
            report.put("setup", setupReport);
            BrokerProcess.Running broker = BrokerProcess.start("broker", dir, 0, o.brokerHeap());
            try {
                measure(fleet, broker, dir);
            } finally {
                broker.process().close();
            }
        }
        print();
    }

    private void measure(LocalFleet fleet, BrokerProcess.Running broker, Path dir) throws Exception {
        String bootstrap = broker.bootstrapServers();
        KafkaSettings kafka = new KafkaSettings(bootstrap, null, null, null);
        KafkaSnapshotPublisher.ensureTopics(kafka); // before the ledger subscribes; the collectors find them there
        List<TargetConfig> targets = targetConfigs(fleet, dir);
        new TargetsTopic(kafka).applyAdditive(targets);
        List<String> ids = targets.stream().map(TargetConfig::id).toList();
        long intervalMs = o.interval() * 1000L;

        fleet.startWorkload(Duration.ofSeconds(o.workloadRound()));
        List<CollectorJvm> collectors = new ArrayList<>();
        try (EnvelopeLedger ledger = new EnvelopeLedger(bootstrap); ServerCpu servers = new ServerCpu(fleet)) {
            for (int i = 1; i <= 2; i++) { // both at once, so neither holds the whole fleet alone for long
                collectors.add(CollectorJvm.start("collector-" + i, dir, bootstrap, o.interval(), o.threads(), o.collectorHeap()));
            }
            collectors.forEach(c -> c.awaitServing(Duration.ofMinutes(3)));
            progress("collectors: pid %d and %d; waiting for every target's first snapshot", collectors.get(0).pid(), collectors.get(1).pid());
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (ledger.targetsSeen() < ids.size()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + ledger.targetsSeen() + " of " + ids.size() + " targets published within 10 minutes");
                }
                LocalFleet.sleep(Duration.ofSeconds(2));
            }
            // two intervals more: the second collector's join (a rebalance) and the first full snapshots are behind us
            LocalFleet.sleep(Duration.ofMillis(2 * intervalMs));

            long runMs = Math.round(o.minutes() * 60_000);
            Sample start = sample(collectors, servers);
            // overruns while the group settled (one collector alone with the whole fleet at first) are not the run's
            List<Long> overrunsAtStart = collectors.stream().map(c -> c.last().overruns()).toList();
            long killAt = start.atMs() + runMs / 2;
            long endAt = start.atMs() + runMs;
            progress("run: %.1f min from now, collector-2 killed at %s", o.minutes(), Instant.ofEpochMilli(killAt));
            Sample beforeKill = null;
            Sample afterKill = null;
            long heapBothAtKill = 0;
            long heapSurvivorAtKill = 0;
            long lastProgress = start.atMs();
            long lastEnvelopes = ledger.envelopes();
            Takeover takeover = null;
            while (System.currentTimeMillis() < endAt) {
                long now = System.currentTimeMillis();
                if (beforeKill == null && now >= killAt - 1_000) {
                    heapSurvivorAtKill = collectors.get(0).heapAfterGc();
                    heapBothAtKill = heapSurvivorAtKill + collectors.get(1).heapAfterGc();
                    beforeKill = sample(collectors, servers);
                    Set<String> heldAtKill = collectors.get(0).targets();
                    collectors.get(1).kill9();
                    killAt = System.currentTimeMillis();
                    takeover = new Takeover(killAt, heldAtKill);
                    progress("collector-2 killed (SIGKILL); its targets must resume on collector-1");
                } else if (beforeKill != null && afterKill == null && now >= killAt + 2 * intervalMs + 20_000) {
                    afterKill = sample(collectors, servers); // failover done: collector-1 alone from here
                } else if (takeover != null && afterKill == null) {
                    takeover.observe(collectors.get(0).targets(), now);
                }
                if (now - lastProgress >= 30_000) {
                    long envelopes = ledger.envelopes();
                    sample(collectors, servers); // refreshes each collector's last reading
                    progress("%4.1f min: %d snapshots committed in the last %.0f s (%d targets / interval expected: %d), overruns since start %s",
                            (now - start.atMs()) / 60_000.0, envelopes - lastEnvelopes, (now - lastProgress) / 1e3, ids.size(),
                            Math.round(ids.size() * (now - lastProgress) / (double) intervalMs),
                            collectors.stream().map(c -> c.name() + "=" + c.last().overruns()).toList());
                    lastProgress = now;
                    lastEnvelopes = envelopes;
                }
                LocalFleet.sleep(Duration.ofSeconds(1));
            }
            Sample end = sample(collectors, servers);
            long heapSurvivorAtEnd = collectors.get(0).heapAfterGc();
            collectors.get(0).close(); // SIGTERM: it leaves the group and ends its transactions
            ledger.catchUp(Duration.ofMinutes(3));
            Coverage coverage = Coverage.count(ledger.byTarget(), ids, start.atMs(), end.atMs(), killAt, intervalMs);
            report.put("coverage", coverage);
            if (takeover != null) {
                report.put("takeover", takeover.report(ledger.byTarget(), coverage.maxGapAroundKillTarget()));
            }
            Map<String, Object> overruns = new LinkedHashMap<>();
            for (int i = 0; i < collectors.size(); i++) {
                overruns.put(collectors.get(i).name() + "InRun", collectors.get(i).last().overruns() - overrunsAtStart.get(i));
                overruns.put(collectors.get(i).name() + "SinceStart", collectors.get(i).last().overruns());
            }
            report.put("overruns", overruns);
            report.put("costTwoCollectors", cost(start, beforeKill, ledger, ids.size(), intervalMs));
            // a sample from before the kill would count the killed collector's CPU as collector-1's; a kill that
            // came late (GC.run on a loaded machine) can leave no settled phase of collector-1 alone to measure
            report.put("costOneCollector", afterKill != null ? cost(afterKill, end, ledger, ids.size(), intervalMs)
                    : Map.of("notMeasured", "the run ended within two intervals and 20 s of the kill"));
            Map<String, Object> heap = new LinkedHashMap<>();
            heap.put("bothCollectorsAtKillMB", heapBothAtKill / 1048576.0);
            heap.put("perTargetAtKillKB", heapBothAtKill / 1024.0 / ids.size());
            heap.put("collector1AtKillMB", heapSurvivorAtKill / 1048576.0);
            heap.put("collector1AtEndMB", heapSurvivorAtEnd / 1048576.0);
            heap.put("collector1AtEndPerTargetKB", heapSurvivorAtEnd / 1024.0 / ids.size());
            // collector-1 held part of the fleet before the kill and all of it at the end: what the rest added
            long heldAtKill = targetsHeldAtKill(ledger.byTarget(), killAt, end.atMs());
            heap.put("collector1TargetsAtKill", heldAtKill);
            heap.put("marginalPerTargetKB", heldAtKill >= ids.size() ? Double.NaN
                    : (heapSurvivorAtEnd - heapSurvivorAtKill) / 1024.0 / (ids.size() - heldAtKill));
            report.put("heapAfterGc", heap);
        } finally {
            collectors.forEach(CollectorJvm::close);
        }

        progress("audit: reading every stats topic read_committed and read_uncommitted");
        Set<String> sample = new TreeSet<>(ids.subList(0, Math.min(10, ids.size())));
        List<TransactionAudit.Raw> kept = new ArrayList<>();
        TransactionAudit.Result audit = TransactionAudit.run(bootstrap, Duration.ofMinutes(10), sample, kept::add);
        report.put("audit", audit);
        List<List<TransactionAudit.Raw>> snapshots = TransactionCost.snapshots(kept);
        progress("transaction cost: %d snapshots of %d targets, transactional vs idempotent, alternating", snapshots.size(), sample.size());
        report.put("transactionCost", TransactionCost.measure(bootstrap, broker.process().pid(), snapshots));
    }

    /** How many targets the survivor (the publisher of the run's last envelope) had last published before the kill. */
    private static long targetsHeldAtKill(Map<String, List<EnvelopeLedger.Envelope>> byTarget, long killAt, long endAt) {
        String survivor = byTarget.values().stream().flatMap(List::stream).filter(e -> e.collectedAt() < endAt)
                .max(java.util.Comparator.comparingLong(EnvelopeLedger.Envelope::collectedAt)).map(EnvelopeLedger.Envelope::collector).orElse("?");
        return byTarget.values().stream().filter(list -> list.stream().filter(e -> e.collectedAt() < killAt)
                .reduce((a, b) -> b).map(e -> e.collector().equals(survivor)).orElse(false)).count();
    }

    /** The fleet's targets as the collectors' YAML would have them: one code path from LocalFleet to TargetConfig. */
    private static List<TargetConfig> targetConfigs(LocalFleet fleet, Path dir) throws java.io.IOException {
        Path file = dir.resolve("targets.yaml");
        Files.writeString(file, "collector:\n  targets:\n" + fleet.targetsYaml());
        return ConfigFile.load(file).section("collector", CollectorConfig.class).targets();
    }

    private Sample sample(List<CollectorJvm> collectors, ServerCpu servers) throws java.sql.SQLException {
        long cpu = 0;
        long cycles = 0;
        for (CollectorJvm c : collectors) {
            if (c.alive()) {
                CollectorJvm.Reading r = c.read();
                if (r != null) {
                    cpu += r.cpuNanos();
                    cycles += r.cycles();
                }
            }
        }
        return new Sample(System.currentTimeMillis(), cpu, cycles, servers.total(), servers.collectorSessions());
    }

    /** CPU per target-cycle between two samples, cycles counted from the topic (committed envelopes begun in between). */
    private static Map<String, Object> cost(Sample from, Sample to, EnvelopeLedger ledger, int targets, long intervalMs) {
        long cycles = ledger.byTarget().values().stream().flatMap(List::stream)
                .filter(e -> e.collectedAt() >= from.atMs() && e.collectedAt() < to.atMs()).count();
        double seconds = (to.atMs() - from.atMs()) / 1e3;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seconds", seconds);
        m.put("targetCycles", cycles);
        m.put("collectorMsPerTargetCycle", (to.collectorsCpu() - from.collectorsCpu()) / 1e6 / cycles);
        m.put("collectorCoreShare", (to.collectorsCpu() - from.collectorsCpu()) / 1e9 / seconds);
        m.put("collectorSessionsMsPerTargetCycle", ServerCpu.between(from.sessionsCpu(), to.sessionsCpu()) / 1e6 / cycles);
        m.put("serversMsPerTargetCycle", (to.serverCpu() - from.serverCpu()) / 1e6 / cycles);
        m.put("serversCoreShare", (to.serverCpu() - from.serverCpu()) / 1e9 / seconds);
        m.put("cyclesPerTargetPerInterval", cycles / (double) targets / (seconds / (intervalMs / 1e3)));
        return m;
    }

    private void print() throws Exception {
        System.out.println();
        System.out.println("== fleet benchmark (issue 13 §3) ==");
        report.forEach((section, value) -> {
            System.out.println(section + ":");
            Map<?, ?> fields = value instanceof Map<?, ?> m ? m : JSON.convertValue(value, Map.class);
            fields.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-36s %s%n", k, v instanceof Double d ? String.format(Locale.ROOT, "%.3f", d)
                    : v instanceof Map<?, ?> || v instanceof Record ? JSON.convertValue(v, Map.class) : v));
        });
        if (o.json()) {
            System.out.println(JSON.writeValueAsString(report));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private static String freeDisk(Path dir) {
        try {
            return String.format(Locale.ROOT, "%.1f GB free", Files.getFileStore(dir).getUsableSpace() / 1e9);
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static void progress(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%s] %s%n", Instant.now().toString().substring(11, 19), String.format(Locale.ROOT, format, args));
    }
}

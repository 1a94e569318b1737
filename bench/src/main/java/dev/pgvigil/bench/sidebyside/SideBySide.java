package dev.pgvigil.bench.sidebyside;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pgvigil.bench.LargeDatabase;
import dev.pgvigil.embedded.LocalFleet;
import dev.pgvigil.embedded.LocalPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Side by side (issue 16): postgres_exporter + Prometheus + Alertmanager (stack A) against pgvigil (stack B) on
 * the same fleet, one stack after the other under the same workload: CPU and peak memory of every process, the
 * monitored servers' cost, bytes stored, what each knows, and the latency of planted events. Options:
 * {@code --fleet 20|100|large|N --minutes M --repeats R --stack A|B|both --events kind,... --warmup S --json}, and
 * {@code --size-refresh-seconds N} for pgvigil's collector (its default otherwise).
 * Setup and figures: docs/benchmark-side-by-side.md.
 */
public final class SideBySide {
    /** Both stacks' grouping delays (Alertmanager's group_wait/group_interval, the alerter's groupWait/groupInterval). */
    static final String GROUP_WAIT = "10s";
    static final String GROUP_INTERVAL = "30s";
    private static final Duration DETECT_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration RESOLVE_TIMEOUT = Duration.ofMinutes(3);

    record Options(String fleet, int minutes, int repeats, List<String> stacks, List<PlantedEvents.Kind> events, int warmupSeconds, boolean json,
                   Integer sizeRefreshSeconds) {
        static Options parse(String[] args) {
            List<String> a = Arrays.asList(args);
            String stack = value(a, "--stack", "both");
            List<PlantedEvents.Kind> kinds = a.contains("--events")
                    ? Arrays.stream(value(a, "--events", "").split(",")).map(s -> PlantedEvents.Kind.valueOf(s.strip().toUpperCase(Locale.ROOT))).toList()
                    : List.of(PlantedEvents.Kind.values());
            return new Options(value(a, "--fleet", "20"), Integer.parseInt(value(a, "--minutes", "10")),
                    Integer.parseInt(value(a, "--repeats", "5")), stack.equals("both") ? List.of("A", "B") : List.of(stack.toUpperCase(Locale.ROOT)),
                    kinds, Integer.parseInt(value(a, "--warmup", "60")), a.contains("--json"),
                    a.contains("--size-refresh-seconds") ? Integer.valueOf(value(a, "--size-refresh-seconds", null)) : null);
        }

        private static String value(List<String> a, String name, String absent) {
            int i = a.indexOf(name);
            return i < 0 ? absent : a.get(i + 1);
        }
    }

    /** @param jitSeconds the part of {@code cpuSeconds} a JVM's JIT compiler threads took (0 for a native process) */
    record ProcessCost(String name, double cpuSeconds, double jitSeconds, long peakRssBytes) {}

    /** Event kind → latency (s) of each repeat; NaN where no notification named it within the timeout. */
    record Result(String stack, int databases, double windowSeconds, List<ProcessCost> processes, double cpuSecondsPerDbHour,
                  long peakRssBytes, MonitorCost.Reading monitorCost, double serverMsPerCyclePerDb, double bytesPerDbPerDay,
                  double retentionDays, Map<String, Long> perCycle, Map<String, List<Double>> latencies) {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        if (o.stacks().contains("A") && !PrometheusStack.installed()) {
            System.exit(2);
        }
        Path dir = Files.createTempDirectory("pgvigil-sidebyside-");
        progress("setting up fleet " + o.fleet() + " in " + dir);
        boolean large = o.fleet().equals("large");
        int databases = large ? 1 : Integer.parseInt(o.fleet());
        int clusters = Math.max(1, (databases + 24) / 25);
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (int c = 0; c < clusters; c++) {
            sizes.put(String.valueOf((char) ('a' + c)), databases / clusters + (c < databases % clusters ? 1 : 0));
        }
        LocalPostgres.Options pgOptions = new LocalPostgres.Options(List.of("max_connections = 150", "shared_buffers = 32MB",
                "pg_stat_statements.max = 10000", "shared_preload_libraries = 'pg_stat_statements'"));
        List<Result> results = new ArrayList<>();
        try (LocalFleet fleet = new LocalFleet(sizes, large ? 1 : 24, pgOptions, dir)) {
            LocalFleet.Target first = fleet.targets().get(0);
            if (large) {
                LargeDatabase.populate(first.pg(), first.database());
            }
            String password = monitorPassword(fleet.targetsYaml());
            PlantedEvents events = new PlantedEvents(fleet);
            fleet.startWorkload();
            MonitorCost.ShowText showText = MonitorCost.showText(first.pg(), first.database(), password, 20);
            progress(String.format(Locale.ROOT, "pg_stat_statements on %s (%d rows), server time per read as %s: with texts %.2f ms, "
                    + "showtext => false %.2f ms", first.database(), showText.rows(), LocalFleet.MONITOR, showText.withTextsMs(), showText.withoutTextsMs()));
            Map<String, Long> knowledge = Knowledge.ofSnapshots(fleet, password);
            progress("pgvigil snapshot of the fleet: " + knowledge);
            Map<String, String> targetOfDatabase = new LinkedHashMap<>();
            fleet.targets().forEach(t -> targetOfDatabase.put(t.database(), t.id()));
            try (Receiver receiver = new Receiver(targetOfDatabase)) {
                for (String id : o.stacks()) {
                    Path stackDir = dir.resolve("stack-" + id);
                    Stack stack = id.equals("A")
                            ? new PrometheusStack(clustersOf(fleet), LocalFleet.MONITOR, password, receiver.url("alertmanager"), stackDir)
                            : new PgvigilStack(fleet.targetsYaml(), receiver.url("pgvigil"), stackDir, o.sizeRefreshSeconds());
                    Thread stopOnExit = new Thread(stack::close, "stop-stack-" + id); // its processes are not this JVM's threads
                    Runtime.getRuntime().addShutdownHook(stopOnExit);
                    try (stack) {
                        Result r = measure(stack, fleet, events, receiver, o);
                        if (id.equals("B")) {
                            r.perCycle().putAll(knowledge);
                        }
                        results.add(r);
                    } finally {
                        Runtime.getRuntime().removeShutdownHook(stopOnExit);
                    }
                }
            }
            print(results, showText, o);
        }
    }

    private static Result measure(Stack stack, LocalFleet fleet, PlantedEvents events, Receiver receiver, Options o) {
        int dbs = fleet.targets().size();
        progress("stack " + stack.id() + ": started " + stack.processes().keySet() + ", warming up " + o.warmupSeconds() + " s");
        sleep(Duration.ofSeconds(o.warmupSeconds()));
        requireRunning(stack, stats(stack), "the warm-up");
        MonitorCost.reset(fleet);
        Map<String, ProcStat> before = stats(stack);
        long storedBefore = stack.storedBytes();
        Map<String, Long> perCycleBefore = stack.perCycle();
        long start = System.nanoTime();
        progress("stack " + stack.id() + ": measuring " + o.minutes() + " min");
        sleep(Duration.ofMinutes(o.minutes()));
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, ProcStat> after = stats(stack);
        requireRunning(stack, after, "the measurement"); // a stack short of a process would look cheap
        MonitorCost.Reading cost = MonitorCost.read(fleet);
        long stored = stack.storedBytes() - storedBefore;
        double cycles = seconds / AlertRules.INTERVAL_SECONDS;
        Map<String, Long> perCycle = new LinkedHashMap<>();
        stack.perCycle().forEach((k, v) -> {
            long was = perCycleBefore.getOrDefault(k, 0L);
            // gauges (series) as they are; counters and sizes (samples, bytes) as their growth per cycle
            perCycle.put(k.replace(" (total)", "") + (k.equals("series") ? "" : " per cycle"), k.equals("series") ? v : Math.round((v - was) / cycles));
        });
        double cpu = after.entrySet().stream().mapToDouble(e -> e.getValue().cpuSeconds() - before.get(e.getKey()).cpuSeconds()).sum();
        progress(String.format(Locale.ROOT, "stack %s: %.1f CPU s over %.0f s; planting events", stack.id(), cpu, seconds));

        Map<String, List<Double>> latencies = new LinkedHashMap<>();
        for (int r = 1; r <= o.repeats(); r++) {
            for (PlantedEvents.Kind kind : o.events()) {
                latencies.computeIfAbsent(kind.rule, k -> new ArrayList<>()).add(plant(kind, stack.id(), receiver, events, r));
            }
        }
        Map<String, ProcStat> end = stats(stack);
        List<ProcessCost> processes = new ArrayList<>();
        after.forEach((name, s) -> processes.add(new ProcessCost(name, s.cpuSeconds() - before.get(name).cpuSeconds(),
                s.jitSeconds() - before.get(name).jitSeconds(), end.get(name).peakRssBytes())));
        return new Result(stack.id(), dbs, seconds, processes, perDatabaseHour(cpu, dbs, seconds),
                processes.stream().mapToLong(ProcessCost::peakRssBytes).sum(), cost, perCyclePerDatabase(cost.serverMs(), seconds, dbs),
                stored / (double) dbs / (seconds / 86_400), stack.retentionDays(), perCycle, latencies);
    }

    /** One event: its start to the first firing notification naming it ({@link PlantedEvents#names}), in s. */
    private static double plant(PlantedEvents.Kind kind, String stack, Receiver receiver, PlantedEvents events, int repeat) {
        Instant start = events.start(kind);
        Receiver.Notice seen = await(() -> receiver.first(start, n -> n.stack().equals(stack) && n.firing() && events.names(kind, n)), DETECT_TIMEOUT);
        double latency = seen == null ? Double.NaN : Duration.between(start, seen.at()).toMillis() / 1000.0;
        Instant undone = Instant.now();
        events.undo(kind);
        Receiver.Notice resolved = await(() -> receiver.first(undone, n -> n.stack().equals(stack) && !n.firing() && events.names(kind, n)),
                seen == null ? Duration.ofSeconds(30) : RESOLVE_TIMEOUT);
        progress(String.format(Locale.ROOT, "stack %s: %s #%d: %s, %s", stack, kind.rule, repeat,
                seen == null ? "NOT notified within " + DETECT_TIMEOUT.toSeconds() + " s" : "notified after " + latency + " s",
                resolved == null ? "no resolved notification" : "resolved"));
        sleep(Duration.ofSeconds(2 * AlertRules.INTERVAL_SECONDS)); // let the next event's interval start clean
        return latency;
    }

    /** CPU seconds spent in a window of {@code windowSeconds}, per monitored database per hour. */
    private static double perDatabaseHour(double cpuSeconds, int databases, double windowSeconds) {
        return cpuSeconds / databases / (windowSeconds / 3600);
    }

    /** Server time (ms) over a window, per collection cycle and per monitored database. */
    private static double perCyclePerDatabase(double ms, double windowSeconds, int databases) {
        return ms / (windowSeconds / AlertRules.INTERVAL_SECONDS) / databases;
    }

    private static void requireRunning(Stack stack, Map<String, ProcStat> stats, String during) {
        stats.forEach((name, s) -> {
            if (Double.isNaN(s.cpuSeconds())) {
                throw new IllegalStateException("stack " + stack.id() + ": " + name + " exited during " + during + "; see " + name
                        + ".log in the stack's directory");
            }
        });
    }

    private static Map<String, ProcStat> stats(Stack stack) {
        Map<String, ProcStat> s = new LinkedHashMap<>();
        stack.processes().forEach((name, pid) -> s.put(name, ProcStat.of(pid)));
        return s;
    }

    private static List<PrometheusStack.Cluster> clustersOf(LocalFleet fleet) {
        Map<String, PrometheusStack.Cluster> clusters = new LinkedHashMap<>();
        fleet.targets().forEach(t -> clusters.putIfAbsent(t.cluster(), new PrometheusStack.Cluster(t.cluster(), t.pg().host(), t.pg().port(), t.database())));
        return List.copyOf(clusters.values());
    }

    /** The monitoring role's password, from the file the fleet's target list names (LocalFleet keeps it to itself). */
    private static String monitorPassword(String targetsYaml) throws IOException {
        Matcher m = Pattern.compile("passwordFile: \"([^\"]+)\"").matcher(targetsYaml);
        if (!m.find()) {
            throw new IllegalStateException("no passwordFile in the fleet's targets");
        }
        return Files.readString(Path.of(m.group(1))).strip();
    }

    private interface Probe<T> {
        T get();
    }

    private static <T> T await(Probe<T> probe, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            T t = probe.get();
            if (t != null) {
                return t;
            }
            sleep(Duration.ofMillis(200));
        }
        return probe.get();
    }

    // ---------------------------------------------------------------- report

    private static void print(List<Result> results, MonitorCost.ShowText showText, Options o) throws IOException {
        System.out.println();
        System.out.printf(Locale.ROOT, "fleet %s, %d min measured per stack, %d repeat(s) per event, interval %d s, group wait %s%n",
                o.fleet(), o.minutes(), o.repeats(), AlertRules.INTERVAL_SECONDS, GROUP_WAIT);
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%nstack %s (%d databases)%n", r.stack(), r.databases());
            for (ProcessCost p : r.processes()) {
                System.out.printf(Locale.ROOT, "  %-24s CPU %8.1f s (JIT %6.1f s)   peak RSS %7.1f MiB%n", p.name(), p.cpuSeconds(), p.jitSeconds(),
                        p.peakRssBytes() / 1048576.0);
            }
            double jit = r.processes().stream().mapToDouble(ProcessCost::jitSeconds).sum();
            System.out.printf(Locale.ROOT, "  CPU per monitored database per hour:  %.2f s (%.2f s without JIT compilation)%n", r.cpuSecondsPerDbHour(),
                    r.cpuSecondsPerDbHour() - perDatabaseHour(jit, r.databases(), r.windowSeconds()));
            System.out.printf(Locale.ROOT, "  peak RSS, all processes:              %.1f MiB%n", r.peakRssBytes() / 1048576.0);
            System.out.printf(Locale.ROOT, "  monitored servers' time per cycle per database: %.2f ms (%d calls of %d statements in the window)%n",
                    r.serverMsPerCyclePerDb(), r.monitorCost().calls(), r.monitorCost().statements());
            r.monitorCost().topMs().forEach((shape, ms) -> System.out.printf(Locale.ROOT, "    %7.2f ms  %s%n",
                    perCyclePerDatabase(ms, r.windowSeconds(), r.databases()), shape));
            System.out.printf(Locale.ROOT, "  stored per database per day:          %.2f MiB (retention %.0f days: %.1f MiB kept)%n",
                    r.bytesPerDbPerDay() / 1048576.0, r.retentionDays(), r.bytesPerDbPerDay() * r.retentionDays() / 1048576.0);
            System.out.println("  per cycle: " + r.perCycle());
            r.latencies().forEach((rule, l) -> System.out.printf(Locale.ROOT, "  detection %-20s p50 %6.1f s   max %6.1f s   %s%n",
                    rule, percentile(l, 0.5), percentile(l, 1.0), l));
        }
        if (results.size() == 2) {
            Result a = results.get(0);
            Result b = results.get(1);
            System.out.printf(Locale.ROOT, "%nB / A: CPU per database %.2f (goal < 1), server time per cycle %.2f, bytes per day %.2f%n",
                    b.cpuSecondsPerDbHour() / a.cpuSecondsPerDbHour(), b.serverMsPerCyclePerDb() / a.serverMsPerCyclePerDb(),
                    b.bytesPerDbPerDay() / a.bytesPerDbPerDay());
            a.latencies().forEach((rule, l) -> System.out.printf(Locale.ROOT, "A / B detection p50, %-20s %.2f (goal >= 3)%n",
                    rule, percentile(l, 0.5) / percentile(b.latencies().getOrDefault(rule, List.of()), 0.5)));
        }
        System.out.printf(Locale.ROOT, "pg_stat_statements read (%d rows): with texts %.2f ms, showtext => false %.2f ms of server time%n",
                showText.rows(), showText.withTextsMs(), showText.withoutTextsMs());
        if (o.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("options", o);
            json.put("showText", showText);
            json.put("stacks", results);
            System.out.println(new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(json));
        }
    }

    /** Nearest-rank percentile of the latencies; a missed event (NaN) counts as the largest. */
    public static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(d -> d.isNaN() ? Double.POSITIVE_INFINITY : d).sorted().toArray();
        double x = v[Math.max(0, (int) Math.ceil(p * v.length) - 1)];
        return Double.isInfinite(x) ? Double.NaN : x;
    }

    static long bytesUnder(Path dir) {
        return bytesUnder(dir, "");
    }

    /** Bytes of the files under {@code dir} whose names end with {@code suffix}. */
    static long bytesUnder(Path dir, String suffix) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).mapToLong(f -> {
                try {
                    return Files.isRegularFile(f) ? Files.size(f) : 0;
                } catch (IOException e) {
                    return 0; // compacted away while counting
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    static void sleep(Duration d) {
        LocalFleet.sleep(d);
    }

    private static void progress(String line) {
        System.out.println(Instant.now().toString().substring(11, 19) + " " + line);
    }
}

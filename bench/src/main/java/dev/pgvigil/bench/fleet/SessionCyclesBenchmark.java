package dev.pgvigil.bench.fleet;

import dev.pgvigil.collector.config.CollectorConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.bench.analyzer.AnalyzerBenchmark;
import dev.pgvigil.catalogue.ConnectionLimits;
import dev.pgvigil.catalogue.TargetConnection;
import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.catalogue.read.ActivityReader;
import dev.pgvigil.catalogue.read.DatabaseScope;
import dev.pgvigil.catalogue.read.ReadListener;
import dev.pgvigil.catalogue.read.ServerInfo;
import dev.pgvigil.catalogue.read.SnapshotReader;
import dev.pgvigil.embedded.Folders;
import dev.pgvigil.embedded.LocalFleet;
import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.schema.SnapshotRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a collector's session costs cycle by cycle, from its first (a new session: a moved or reconnected
 * target) to its steady state, on one cluster of {@code --databases} databases: the wall time of the
 * connection and of each read, and the server's planning and execution time of the read's statements
 * ({@code pg_stat_statements} with {@code track_planning}). Three sets of targets, measured one after the
 * other in the same run: sessions that plan as the server does by default; sessions with generic plans, as the
 * collector's are; and the same while the cluster's other databases are vacuumed one after another, as
 * autovacuum does in a cluster of many databases (its invalidations make the sessions of the cluster plan
 * again and rebuild their catalogue caches). It explains why failover at a thousand databases is slow (the
 * first cycle), what planning cost a new session's next cycles, and why a warm cycle costs more in a busy
 * fleet than on a quiet cluster. Not a test: numbers vary with the machine.
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/cp.txt) dev.pgvigil.bench.fleet.SessionCyclesBenchmark \
 *      [--databases 250] [--targets 20] [--cycles 8] [--json]
 * </pre>
 */
public final class SessionCyclesBenchmark {
    private static final String PASSWORD_FILE = "monitor.pw";

    /** One cycle number of every session of a mode: per target, in ms, and how many plans were made in all. */
    record Cycle(int cycle, double wallMs, double planMs, double execMs, long plans) {}

    /** How the sessions of one set plan, and what else runs meanwhile. */
    enum Mode {
        DEFAULT_PLANS("the server's default plans", false, false),
        GENERIC_PLANS("generic plans (the collector's sessions)", true, false),
        GENERIC_PLANS_OTHERS_VACUUMED("generic plans, the other databases vacuumed meanwhile", true, true);

        final String title;
        final boolean generic;
        final boolean vacuumOthers;

        Mode(String title, boolean generic, boolean vacuumOthers) {
            this.title = title;
            this.generic = generic;
            this.vacuumOthers = vacuumOthers;
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        int databases = AnalyzerBenchmark.option(a, "--databases", 250);
        int targets = AnalyzerBenchmark.option(a, "--targets", 20);
        int cycles = AnalyzerBenchmark.option(a, "--cycles", 8);
        int sets = Mode.values().length;
        if (sets * targets > databases) {
            throw new IllegalArgumentException("--targets " + targets + " needs at least " + sets * targets + " --databases (a set per mode)");
        }
        Path dir = Files.createTempDirectory("pgvigil-session-cycles-");
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("setup", Map.of("databases", databases, "targets", targets, "cycles", cycles, "tablesPerDatabase", 30));
        try (LocalFleet fleet = new LocalFleet(Map.of("c1", databases), 30, LocalPostgres.Options.defaults(), dir)) {
            LocalPostgres pg = fleet.clusters().get("c1");
            pg.execute("postgres", "ALTER SYSTEM SET pg_stat_statements.track_planning = on", "SELECT pg_reload_conf()");
            // a round of the workload, so that every database has statements, tables with rows and indexes in use
            fleet.startWorkload(Duration.ofSeconds(20));
            LocalFleet.sleep(Duration.ofSeconds(25));
            List<LocalFleet.Target> all = fleet.targets();
            int stride = all.size() / (sets * targets);
            for (Mode mode : Mode.values()) {
                List<TargetConfig> set = new ArrayList<>();
                for (int i = 0; i < targets; i++) {
                    LocalFleet.Target t = all.get((sets * i + mode.ordinal()) * stride);
                    set.add(new TargetConfig(t.id(), t.pg().jdbcUrl(t.database()), LocalFleet.MONITOR, null, null,
                            dir.resolve(PASSWORD_FILE).toString(), null, Map.of(), List.of(t.database()), List.of()));
                }
                List<String> others = all.stream().map(LocalFleet.Target::database)
                        .filter(db -> set.stream().noneMatch(t -> t.includeDatabases().contains(db))).toList();
                report.put(mode.name(), measure(pg, set, mode, cycles, others));
            }
        } finally {
            Folders.deleteQuietly(dir);
        }
        if (a.contains("--json")) {
            System.out.println(new ObjectMapper().writeValueAsString(report));
        }
    }

    private static Map<String, Object> measure(LocalPostgres pg, List<TargetConfig> targets, Mode mode, int cycles, List<String> others)
            throws Exception {
        List<TargetConnection> connections = new ArrayList<>();
        List<SnapshotReader> readers = new ArrayList<>();
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            long connectNs = 0;
            for (TargetConfig t : targets) {
                TargetConnection c = new TargetConnection(t, ConnectionLimits.of(null, null, 10, null), mode.generic);
                long start = System.nanoTime();
                c.get();
                connectNs += System.nanoTime() - start;
                connections.add(c);
                // index definitions read afresh as often as the collector's default full snapshot (every sixth), sizes as its default
                readers.add(new SnapshotReader(new SnapshotReader.Options(2000, new ActivityReader.Options(100, 0, 2000), 6,
                        Duration.ofSeconds(CollectorConfig.DEFAULT_SIZE_REFRESH_SECONDS)), t.databaseScope()));
            }
            double connectMs = connectNs / 1e6 / targets.size();
            System.out.printf(Locale.ROOT, "%s: connect %.1f ms a session%n  cycle   wall ms   server plan ms   server exec ms  (per target)   plans made%n",
                    mode.title, connectMs);
            List<Cycle> rows = new ArrayList<>();
            Vacuums vacuums = mode.vacuumOthers ? Vacuums.start(pg, others) : null;
            for (int n = 1; n <= cycles; n++) {
                pg.execute("fleet_template", "SELECT pg_stat_statements_reset()");
                long wall = 0;
                for (int i = 0; i < targets.size(); i++) {
                    Connection c = connections.get(i).get();
                    long start = System.nanoTime();
                    ServerInfo server = readers.get(i).server(c);
                    readers.get(i).read(c, new SnapshotRef(targets.get(i).id(), "c" + n, Instant.now()), server, ReadListener.NONE);
                    wall += System.nanoTime() - start;
                }
                Cycle row = serverTimes(pg, n, wall / 1e6 / targets.size(), targets.size());
                rows.add(row);
                System.out.printf(Locale.ROOT, "  %5d  %8.1f  %15.2f  %15.2f  %14d%n", n, row.wallMs(), row.planMs(), row.execMs(), row.plans());
            }
            if (vacuums != null) {
                out.put("databasesVacuumed", vacuums.stop());
            }
            out.put("connectMs", connectMs);
            out.put("cycles", rows);
        } finally {
            connections.forEach(TargetConnection::close);
        }
        return out;
    }

    /** VACUUM ANALYZE of one database after another, on a thread of its own, as autovacuum visits a cluster's databases. */
    private static final class Vacuums {
        private final Thread thread;
        private final AtomicLong done = new AtomicLong();
        private volatile boolean running = true;

        private Vacuums(LocalPostgres pg, List<String> databases) {
            thread = new Thread(() -> {
                while (running) {
                    for (String db : databases) {
                        if (!running) {
                            return;
                        }
                        pg.execute(db, "VACUUM ANALYZE");
                        done.incrementAndGet();
                    }
                }
            }, "vacuums");
            thread.setDaemon(true);
        }

        static Vacuums start(LocalPostgres pg, List<String> databases) {
            Vacuums v = new Vacuums(pg, databases);
            v.thread.start();
            LocalFleet.sleep(Duration.ofSeconds(3)); // under way before the first cycle
            return v;
        }

        long stop() throws InterruptedException {
            running = false;
            thread.join(60_000);
            return done.get();
        }
    }

    /** The monitoring role's planning and execution time since the last reset, per target. */
    private static Cycle serverTimes(LocalPostgres pg, int cycle, double wallMs, int targets) throws Exception {
        try (Connection c = pg.connect("fleet_template"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT /* pgvigil */ coalesce(sum(total_plan_time), 0) AS plan, coalesce(sum(total_exec_time), 0) AS exec, "
                     + "coalesce(sum(plans), 0) AS plans "
                     + "FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = '" + LocalFleet.MONITOR + "'")) {
            rs.next();
            return new Cycle(cycle, wallMs, rs.getDouble("plan") / targets, rs.getDouble("exec") / targets, rs.getLong("plans"));
        }
    }
}

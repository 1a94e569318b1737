package dev.pgvigil.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A monitored fleet for drills and benchmarks: a few local PostgreSQL clusters, each with several databases, one
 * target per database (collected as a {@code pg_monitor} role, filtered to its own database), a light workload so
 * counters move, and the faults done to them: a crash restart (counters reset), a stop, a session left idle in a
 * transaction.
 */
public final class LocalFleet implements AutoCloseable {
    public static final String MONITOR = "monitor";
    private static final String MONITOR_PASSWORD = "fleet-monitor-pw";

    /** One target: a database of a cluster. */
    public record Target(String id, String cluster, String database, LocalPostgres pg) {}

    private static final String TEMPLATE = "fleet_template";
    /** Up to this many databases the workload keeps a connection to each. */
    private static final int MAX_OPEN = 100;

    private final Map<String, LocalPostgres> clusters = new LinkedHashMap<>();
    private final List<Target> targets = new ArrayList<>();
    private final int tables;
    private final Path passwordFile;
    private final List<Connection> holders = new ArrayList<>();
    private volatile boolean working = true;
    private Thread workload;

    /** {@code sizes}: cluster name → number of databases (targets) on it, each with one table. */
    public LocalFleet(Map<String, Integer> sizes, Path dir) {
        this(sizes, 1, LocalPostgres.Options.defaults(), dir);
    }

    /**
     * {@code sizes}: cluster name → number of databases (targets) on it. Each database has {@code tables} tables
     * {@code work, work_2 … work_N}, each with a primary key and an index on {@code v}; databases are copies of
     * one template per cluster, so a thousand of them take seconds, not minutes.
     */
    public LocalFleet(Map<String, Integer> sizes, int tables, LocalPostgres.Options options, Path dir) {
        this.tables = tables;
        passwordFile = dir.resolve("monitor.pw");
        try {
            Files.writeString(passwordFile, MONITOR_PASSWORD + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sizes.forEach((name, databases) -> {
            LocalPostgres pg = LocalPostgres.start(options);
            clusters.put(name, pg);
            pg.execute("postgres", "CREATE ROLE " + MONITOR + " LOGIN PASSWORD '" + MONITOR_PASSWORD + "'", "GRANT pg_monitor TO " + MONITOR);
            pg.createDatabase(TEMPLATE);
            for (int t = 1; t <= tables; t++) {
                String table = tableName(t);
                pg.execute(TEMPLATE, "CREATE TABLE " + table + " (id bigserial PRIMARY KEY, v int NOT NULL)",
                        "CREATE INDEX ON " + table + " (v)");
            }
            // the extension lives in each database (pg_stat_statements is read per database); copied with the template
            pg.execute(TEMPLATE, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            for (int i = 1; i <= databases; i++) {
                String db = "%s_db%02d".formatted(name, i);
                pg.execute("postgres", "CREATE DATABASE " + db + " TEMPLATE " + TEMPLATE);
                targets.add(new Target("%s-%02d".formatted(name, i), name, db, pg));
            }
        });
    }

    private static String tableName(int n) {
        return n == 1 ? "work" : "work_" + n;
    }

    public List<Target> targets() {
        return List.copyOf(targets);
    }

    /** The clusters by name, e.g. to find their server processes. */
    public Map<String, LocalPostgres> clusters() {
        return java.util.Collections.unmodifiableMap(clusters);
    }

    public List<String> targetsOf(String cluster) {
        return targets.stream().filter(t -> t.cluster().equals(cluster)).map(Target::id).toList();
    }

    /** The collector's {@code targets:} list in YAML. */
    public String targetsYaml() {
        StringBuilder yaml = new StringBuilder();
        for (Target t : targets) {
            yaml.append("    - {id: ").append(t.id()).append(", url: \"").append(t.pg().jdbcUrl(t.database()))
                    .append("\", user: ").append(MONITOR).append(", passwordFile: \"").append(passwordFile)
                    .append("\", includeDatabases: [").append(t.database()).append("], labels: {cluster: ").append(t.cluster()).append("}}\n");
        }
        return yaml.toString();
    }

    /** A few writes and reads per database every half second, so every interval has deltas; errors (a cluster down) are skipped. */
    public void startWorkload() {
        startWorkload(Duration.ofMillis(500));
    }

    /**
     * The workload at one round per {@code round}: each database gets a few writes and reads once per round, spread
     * evenly over it (one thread, one statement at a time, so it stays light however big the fleet). A fleet of up to
     * {@value #MAX_OPEN} databases keeps one connection to each; a bigger one connects for each visit instead, since a
     * thousand idle sessions would cost the servers more memory than the workload is worth. A round that cannot keep
     * up simply takes longer. Errors (a cluster down) are skipped.
     */
    public void startWorkload(Duration round) {
        boolean keepOpen = targets.size() <= MAX_OPEN;
        long pauseNanos = round.toNanos() / Math.max(1, targets.size());
        workload = new Thread(() -> {
            Map<String, Connection> open = new LinkedHashMap<>();
            long pass = 0;
            long next = System.nanoTime();
            while (working) {
                pass++;
                for (Target t : targets) {
                    if (!working) {
                        break;
                    }
                    try {
                        Connection c = open.get(t.id());
                        if (c == null || c.isClosed()) {
                            c = t.pg().connect(t.database());
                            open.put(t.id(), c);
                        }
                        touch(c, pass);
                    } catch (SQLException | RuntimeException e) {
                        closeQuietly(open.remove(t.id()));
                    }
                    if (!keepOpen) {
                        closeQuietly(open.remove(t.id()));
                    }
                    next += pauseNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        sleep(Duration.ofNanos(wait));
                    } else {
                        next = System.nanoTime(); // behind: no burst to catch up
                    }
                }
            }
            open.values().forEach(LocalFleet::closeQuietly);
        }, "fleet-workload");
        workload.setDaemon(true);
        workload.start();
    }

    private void touch(Connection c, long pass) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO work (v) SELECT g FROM generate_series(1, 20) g");
            s.execute("UPDATE work SET v = v + 1 WHERE id % 50 = 0");
            try (ResultSet rs = s.executeQuery("SELECT count(*), sum(v) FROM work")) {
                rs.next();
            }
            // one more table per round, by index, so every table and its statement gets counters
            String other = tableName(1 + (int) (pass % tables));
            s.execute("INSERT INTO " + other + " (v) VALUES (" + pass % 1000 + ")");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + other + " WHERE v = " + pass % 1000)) {
                rs.next();
            }
        }
    }

    /**
     * Crashes a cluster (pg_ctl stop -m immediate: no shutdown checkpoint, so PostgreSQL runs crash recovery and
     * starts with every statistics counter at zero) and starts it again on the same port and data.
     */
    public Instant crashRestart(String cluster) {
        Instant at = Instant.now();
        clusters.get(cluster).crashRestart();
        return at;
    }

    public Instant stop(String cluster) {
        Instant at = Instant.now();
        clusters.get(cluster).stop();
        return at;
    }

    public Instant start(String cluster) {
        clusters.get(cluster).restart();
        return Instant.now();
    }

    /** Leaves a session idle in a transaction in every database of the cluster, so each of its targets has one. */
    public void holdTransactions(String cluster) {
        for (Target t : targets) {
            if (!t.cluster().equals(cluster)) {
                continue;
            }
            try {
                Connection c = t.pg().connect(t.database());
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("SET application_name = 'fleet-holder'");
                    s.execute("SELECT txid_current()");
                }
                holders.add(c);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public void releaseTransactions() {
        holders.forEach(LocalFleet::closeQuietly);
        holders.clear();
    }

    private static void closeQuietly(Connection c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // a connection to a crashed cluster
        }
    }

    public static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        working = false;
        releaseTransactions();
        if (workload != null) {
            try {
                workload.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        clusters.values().forEach(LocalPostgres::close);
    }
}

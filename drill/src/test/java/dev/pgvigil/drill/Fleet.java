package dev.pgvigil.drill;

import dev.pgvigil.embedded.LocalPostgres;
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
import java.util.concurrent.TimeUnit;

/**
 * The monitored fleet: a few local PostgreSQL clusters, each with several databases, one target per database
 * (collected as a {@code pg_monitor} role, filtered to its own database), a light workload so counters move, and
 * the faults the drill does to them: a crash restart (counters reset), a stop, a session left idle in a transaction.
 */
final class Fleet implements AutoCloseable {
    static final String MONITOR = "monitor";
    private static final String MONITOR_PASSWORD = "drill-monitor-pw";

    /** One target: a database of a cluster. */
    record Target(String id, String cluster, String database, LocalPostgres pg) {}

    private final Map<String, LocalPostgres> clusters = new LinkedHashMap<>();
    private final List<Target> targets = new ArrayList<>();
    private final Path passwordFile;
    private final List<Connection> holders = new ArrayList<>();
    private volatile boolean working = true;
    private Thread workload;

    /** {@code sizes}: cluster name → number of databases (targets) on it. */
    Fleet(Map<String, Integer> sizes, Path dir) {
        passwordFile = dir.resolve("monitor.pw");
        try {
            Files.writeString(passwordFile, MONITOR_PASSWORD + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sizes.forEach((name, databases) -> {
            LocalPostgres pg = LocalPostgres.start();
            clusters.put(name, pg);
            pg.execute("postgres", "CREATE ROLE " + MONITOR + " LOGIN PASSWORD '" + MONITOR_PASSWORD + "'", "GRANT pg_monitor TO " + MONITOR);
            for (int i = 1; i <= databases; i++) {
                String db = "%s_db%02d".formatted(name, i);
                pg.createDatabase(db);
                pg.execute(db, "CREATE TABLE work (id bigserial PRIMARY KEY, v int NOT NULL)");
                targets.add(new Target("%s-%02d".formatted(name, i), name, db, pg));
            }
        });
    }

    List<Target> targets() {
        return List.copyOf(targets);
    }

    List<String> targetsOf(String cluster) {
        return targets.stream().filter(t -> t.cluster().equals(cluster)).map(Target::id).toList();
    }

    /** The collector's {@code targets:} list in YAML. */
    String targetsYaml() {
        StringBuilder yaml = new StringBuilder();
        for (Target t : targets) {
            yaml.append("    - {id: ").append(t.id()).append(", url: \"").append(t.pg().jdbcUrl(t.database()))
                    .append("\", user: ").append(MONITOR).append(", passwordFile: \"").append(passwordFile)
                    .append("\", includeDatabases: [").append(t.database()).append("], labels: {cluster: ").append(t.cluster()).append("}}\n");
        }
        return yaml.toString();
    }

    /** A few writes and reads per database per second, so every interval has deltas; errors (a cluster down) are skipped. */
    void startWorkload() {
        workload = new Thread(() -> {
            Map<String, Connection> open = new LinkedHashMap<>();
            while (working) {
                for (Target t : targets) {
                    try {
                        Connection c = open.get(t.id());
                        if (c == null || c.isClosed()) {
                            c = t.pg().connect(t.database());
                            open.put(t.id(), c);
                        }
                        try (Statement s = c.createStatement()) {
                            s.execute("INSERT INTO work (v) SELECT g FROM generate_series(1, 20) g");
                            s.execute("UPDATE work SET v = v + 1 WHERE id % 50 = 0");
                            try (ResultSet rs = s.executeQuery("SELECT count(*), sum(v) FROM work")) {
                                rs.next();
                            }
                        }
                    } catch (SQLException | RuntimeException e) {
                        closeQuietly(open.remove(t.id()));
                    }
                }
                sleep(Duration.ofMillis(500));
            }
            open.values().forEach(Fleet::closeQuietly);
        }, "drill-workload");
        workload.setDaemon(true);
        workload.start();
    }

    /**
     * Crashes a cluster (pg_ctl stop -m immediate: no shutdown checkpoint, so PostgreSQL runs crash recovery and
     * starts with every statistics counter at zero) and starts it again on the same port and data.
     */
    Instant crashRestart(String cluster) {
        LocalPostgres pg = clusters.get(cluster);
        String dataDir;
        String binDir;
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
            dataDir = single(s, "SHOW data_directory");
            binDir = single(s, "SELECT setting FROM pg_config WHERE name = 'BINDIR'");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        Instant at = Instant.now();
        List<String> cmd = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("runuser", "-u", LocalPostgres.SUPERUSER, "--"));
        }
        cmd.addAll(List.of(binDir + "/pg_ctl", "-D", dataDir, "-w", "-t", "60", "-m", "immediate", "-l", dataDir + "/server.log", "restart"));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("pg_ctl restart -m immediate of " + cluster + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return at;
    }

    Instant stop(String cluster) {
        Instant at = Instant.now();
        clusters.get(cluster).stop();
        return at;
    }

    Instant start(String cluster) {
        clusters.get(cluster).restart();
        return Instant.now();
    }

    /** Leaves a session idle in a transaction in every database of the cluster, so each of its targets has one. */
    void holdTransactions(String cluster) {
        for (Target t : targets) {
            if (!t.cluster().equals(cluster)) {
                continue;
            }
            try {
                Connection c = t.pg().connect(t.database());
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("SET application_name = 'drill-holder'");
                    s.execute("SELECT txid_current()");
                }
                holders.add(c);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    void releaseTransactions() {
        holders.forEach(Fleet::closeQuietly);
        holders.clear();
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
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

    static void sleep(Duration d) {
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

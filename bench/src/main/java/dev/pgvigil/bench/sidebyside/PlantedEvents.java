package dev.pgvigil.bench.sidebyside;

import dev.pgvigil.embedded.LocalFleet;
import dev.pgvigil.embedded.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The events planted on the first cluster of the fleet, each with the rule that should name it, how it starts and
 * how it is undone. Each returns when the event has started (that instant is its start for the latency).
 */
final class PlantedEvents {
    /** One kind of event: the rule (pgvigil's name; stack A's alert has the same) that should announce it. */
    enum Kind {
        IDLE_IN_TRANSACTION("idle_in_transaction"),
        CACHE_HIT_DROP("cache_hit_ratio"),
        DEAD_ROWS_SURGE("dead_rows"),
        CONNECTIONS_EXHAUSTED("connections_used"),
        INSTANCE_STOPPED("instance_down");

        final String rule;

        Kind(String rule) {
            this.rule = rule;
        }
    }

    private static final int COLD_ROWS = 200_000; // ~45 MiB: more than a quarter of shared_buffers, so scans use a ring and read
    private static final int CHURN_ROWS = 20_000; // above the dead-rows rule's minimum table size (10,000 rows)

    private final LocalFleet fleet;
    private final LocalFleet.Target target;
    private final List<Connection> opened = new ArrayList<>();
    private volatile boolean scanning;
    private Thread scanner;

    /** Prepares the tables the events use in the first target's database (before any stack runs). */
    PlantedEvents(LocalFleet fleet) {
        this.fleet = fleet;
        this.target = fleet.targets().get(0);
        target.pg().execute(target.database(),
                "CREATE TABLE IF NOT EXISTS bench_cold AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, " + COLD_ROWS + ") g",
                "CREATE TABLE IF NOT EXISTS bench_churn (id int PRIMARY KEY, v int) WITH (autovacuum_enabled = off)",
                "INSERT INTO bench_churn SELECT g, 0 FROM generate_series(1, " + CHURN_ROWS + ") g ON CONFLICT DO NOTHING",
                "VACUUM ANALYZE bench_cold", "VACUUM ANALYZE bench_churn");
    }

    /**
     * Whether a notice names this event: its rule, and where it was planted. Sessions, connections and a stop
     * concern the cluster, so any of its targets (or the cluster, as stack A names it) will do; the cache hit
     * drop is the first target's, the dead rows its table's (the workload's own tables gather dead rows too).
     */
    boolean names(Kind kind, Receiver.Notice n) {
        if (!n.rule().equals(kind.rule)) {
            return false;
        }
        return switch (kind) {
            case CACHE_HIT_DROP -> n.instance().equals(target.id());
            case DEAD_ROWS_SURGE -> n.instance().equals(target.id()) && n.object().endsWith("bench_churn");
            default -> n.instance().equals(target.cluster()) || fleet.targetsOf(target.cluster()).contains(n.instance());
        };
    }

    Instant start(Kind kind) {
        Instant at = Instant.now();
        switch (kind) {
            case IDLE_IN_TRANSACTION -> fleet.holdTransactions(target.cluster());
            case CACHE_HIT_DROP -> {
                scanning = true;
                scanner = new Thread(this::scanCold, "bench-cold-scans");
                scanner.setDaemon(true);
                scanner.start();
            }
            case DEAD_ROWS_SURGE -> target.pg().execute(target.database(), "UPDATE bench_churn SET v = v + 1");
            case CONNECTIONS_EXHAUSTED -> fillConnections();
            case INSTANCE_STOPPED -> {
                return fleet.stop(target.cluster());
            }
        }
        return at;
    }

    void undo(Kind kind) {
        switch (kind) {
            case IDLE_IN_TRANSACTION -> fleet.releaseTransactions();
            case CACHE_HIT_DROP -> {
                scanning = false;
                join(scanner);
            }
            case DEAD_ROWS_SURGE -> target.pg().execute(target.database(), "VACUUM bench_churn");
            case CONNECTIONS_EXHAUSTED -> {
                opened.forEach(PlantedEvents::closeQuietly);
                opened.clear();
            }
            case INSTANCE_STOPPED -> fleet.start(target.cluster());
        }
    }

    /** Sequential scans of a table too large for shared_buffers' ring: every scan reads its ~5,800 blocks. */
    private void scanCold() {
        try (Connection c = target.pg().connect(target.database()); Statement s = c.createStatement()) {
            while (scanning) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM bench_cold")) {
                    rs.next();
                }
            }
        } catch (SQLException e) {
            System.out.println("  cold scans stopped: " + e.getMessage());
        }
    }

    /** Opens sessions until 90 % of the usable slots are taken (the rule's warning is 80 %). */
    private void fillConnections() {
        LocalPostgres pg = target.pg();
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int, "
                     + "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')")) {
            rs.next();
            int toOpen = (int) Math.ceil(0.9 * rs.getInt(1)) - rs.getInt(2);
            for (int i = 0; i < toOpen; i++) {
                opened.add(pg.connect(target.database()));
            }
        } catch (SQLException e) {
            System.out.println("  connections: stopped opening at " + opened.size() + ": " + e.getMessage());
        }
    }

    private static void join(Thread t) {
        try {
            if (t != null) {
                t.join(30_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing a session we opened to take a slot
        }
    }
}

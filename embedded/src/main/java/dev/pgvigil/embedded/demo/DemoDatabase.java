package dev.pgvigil.embedded.demo;

import dev.pgvigil.embedded.LocalPostgres;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The built-in demo target: a small shop database with the problems a DBA meets every week, planted on
 * purpose so that every part of pgvigil has something real to find.
 *
 * <ul>
 *   <li>{@code customers.email} and {@code orders.customer_id} have no index, yet the workload filters and
 *       joins on them: missing indexes, slow statements, heavy sequential scans.</li>
 *   <li>{@code customers.status} has two values: an index there would be useless, and must not be suggested.</li>
 *   <li>{@code customers_created_at_idx} is never used; {@code orders_status_idx} duplicates the prefix of
 *       {@code orders_status_created_idx}.</li>
 *   <li>{@code events} is updated constantly with autovacuum off, and vacuumed rarely by hand: dead rows and bloat.</li>
 *   <li>{@code audit_log} is larger than shared_buffers and scanned repeatedly: a low cache hit ratio.</li>
 * </ul>
 * The monitoring role holds only {@code pg_monitor}, as the collector needs no more.
 */
public final class DemoDatabase {
    public static final String DATABASE = "shop";
    public static final String MONITOR_ROLE = "pgvigil_monitor";
    /**
     * shared_buffers small enough that audit_log does not fit: the cache hit ratio problem is real. The WAL
     * is kept small (checkpoints every 64 MB of it, nothing kept or archived beyond that), so the demo's
     * disk use stays bounded however long it runs.
     */
    public static final List<String> SERVER_SETTINGS = List.of("shared_buffers = 16MB", "max_connections = 50",
            "max_wal_size = 64MB", "min_wal_size = 32MB", "wal_keep_size = 0", "archive_mode = off", "checkpoint_timeout = 5min");

    private DemoDatabase() {}

    /** How to reach the demo database as the monitoring role. */
    public record Target(String jdbcUrl, String user, String password) {
        @Override
        public String toString() {
            return "Target[" + jdbcUrl + " as " + user + "]";
        }
    }

    /** How much data; {@link #DEMO} takes a few seconds to load on two cores (about 100 MB on disk). */
    public record Scale(int customers, int orders, int events, int auditRows) {
        public static final Scale DEMO = new Scale(50_000, 200_000, 20_000, 400_000);
        public static final Scale SMALL = new Scale(5_000, 20_000, 5_000, 40_000);
    }

    /** Creates the database, its schema with the planted problems, its data, and the monitoring role. */
    public static Target create(LocalPostgres pg, Scale scale) {
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        pg.createDatabase(DATABASE);
        pg.execute("postgres",
                "CREATE ROLE " + MONITOR_ROLE + " LOGIN PASSWORD '" + password + "'",
                "GRANT pg_monitor TO " + MONITOR_ROLE);
        pg.execute(DATABASE,
                "CREATE EXTENSION IF NOT EXISTS pg_stat_statements",
                """
                CREATE TABLE customers (
                    id bigserial PRIMARY KEY,
                    email text NOT NULL,
                    country text NOT NULL,
                    status text NOT NULL,
                    created_at timestamptz NOT NULL)""",
                """
                CREATE TABLE orders (
                    id bigserial PRIMARY KEY,
                    customer_id bigint NOT NULL,
                    status text NOT NULL,
                    total_cents bigint NOT NULL,
                    created_at timestamptz NOT NULL)""",
                """
                CREATE TABLE events (
                    id bigserial PRIMARY KEY,
                    kind text NOT NULL,
                    counter bigint NOT NULL DEFAULT 0,
                    payload text)
                WITH (autovacuum_enabled = false)""",
                """
                CREATE TABLE audit_log (
                    id bigserial PRIMARY KEY,
                    at timestamptz NOT NULL,
                    actor text NOT NULL,
                    detail text NOT NULL)""",
                """
                INSERT INTO customers (email, country, status, created_at)
                SELECT 'user' || g || '@example.com',
                       (ARRAY['DE','FR','US','JP','BR'])[1 + g %% 5],
                       CASE WHEN g %% 10 = 0 THEN 'inactive' ELSE 'active' END,
                       now() - (g || ' minutes')::interval
                FROM generate_series(1, %d) g""".formatted(scale.customers()),
                """
                INSERT INTO orders (customer_id, status, total_cents, created_at)
                SELECT 1 + (g * 7919) %% %d,
                       (ARRAY['new','paid','shipped','returned'])[1 + g %% 4],
                       (g * 37) %% 100000,
                       now() - (g || ' seconds')::interval
                FROM generate_series(1, %d) g""".formatted(scale.customers(), scale.orders()),
                """
                INSERT INTO events (kind, payload)
                SELECT (ARRAY['click','view','cart'])[1 + g %% 3], repeat('x', 200)
                FROM generate_series(1, %d) g""".formatted(scale.events()),
                """
                INSERT INTO audit_log (at, actor, detail)
                SELECT now() - (g || ' seconds')::interval, 'svc' || (g %% 50), md5(g::text) || repeat('.', 80)
                FROM generate_series(1, %d) g""".formatted(scale.auditRows()),
                "CREATE INDEX customers_created_at_idx ON customers (created_at)",
                "CREATE INDEX orders_status_idx ON orders (status)",
                "CREATE INDEX orders_status_created_idx ON orders (status, created_at)",
                "ANALYZE",
                "SELECT pg_stat_statements_reset()");
        return new Target(pg.jdbcUrl(DATABASE), MONITOR_ROLE, password);
    }
}

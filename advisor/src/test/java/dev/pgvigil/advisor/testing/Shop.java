package dev.pgvigil.advisor.testing;

import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.embedded.demo.DemoDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One throwaway PostgreSQL cluster for the whole advisor suite (initdb and loading cost seconds on two
 * cores), holding the demo shop database with its planted problems, HypoPG installed, and a fixed,
 * deterministic workload already run, so pg_stat_statements shows exactly what the tests expect:
 * <ul>
 *   <li>lookups by {@code customers.email} (selective, unindexed) and by {@code customers.status} (two values);</li>
 *   <li>the slow join {@code orders} to {@code customers} on the unindexed {@code orders.customer_id};</li>
 *   <li>every {@code events} row updated three times with autovacuum off (dead rows, bloat);</li>
 *   <li>repeated scans of {@code audit_log}, larger than shared_buffers (low cache hit ratio);</li>
 *   <li>{@code customers_created_at_idx} never used, {@code orders_status_idx} a prefix of {@code orders_status_created_idx}.</li>
 * </ul>
 * Tests that change the database use databases of their own in the same cluster. Use with
 * {@code @ExtendWith(Shop.class)}, then {@link #pg()}.
 */
public final class Shop implements BeforeAllCallback {
    public static final String DATABASE = DemoDatabase.DATABASE;
    public static final int EMAIL_LOOKUPS = 200;

    private static LocalPostgres cluster;
    private static DemoDatabase.Target monitor;

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster(context);
    }

    /** The running cluster (after the extension started it). */
    public static synchronized LocalPostgres pg() {
        if (cluster == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(Shop.class)");
        }
        return cluster;
    }

    /** A file holding the superuser's password, for --password-file. */
    public static java.nio.file.Path superuserPasswordFile() {
        try {
            java.nio.file.Path f = java.nio.file.Files.createTempFile("pgvigil-pw", ".txt");
            f.toFile().deleteOnExit();
            java.nio.file.Files.writeString(f, pg().superuserPassword());
            return f;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The common connection arguments: superuser on {@code database}. */
    public static String[] target(String database) {
        return new String[] {"--target", pg().jdbcUrl(database), "--user", "postgres", "--password-file", superuserPasswordFile().toString()};
    }

    /** The cluster, started and loaded on first use, stopped when the test run ends. */
    private static synchronized LocalPostgres cluster(ExtensionContext context) {
        if (cluster == null) {
            List<String> settings = new ArrayList<>(DemoDatabase.SERVER_SETTINGS);
            LocalPostgres pg = LocalPostgres.start(new LocalPostgres.Options(settings));
            try {
                monitor = DemoDatabase.create(pg, DemoDatabase.Scale.DEMO);
                pg.execute(DATABASE, "CREATE EXTENSION hypopg");
                workload(pg);
            } catch (RuntimeException | SQLException e) {
                pg.close();
                throw new IllegalStateException("cannot prepare the shop database: " + e.getMessage(), e);
            }
            cluster = pg;
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put("pgvigil-advisor-shop",
                    (ExtensionContext.Store.CloseableResource) pg::close);
        }
        return cluster;
    }

    /** The monitoring role of the demo (pg_monitor only). */
    public static DemoDatabase.Target monitor() {
        return monitor;
    }

    public static String url(LocalPostgres pg, String database) {
        return pg.jdbcUrl(database);
    }

    private static void workload(LocalPostgres pg) throws SQLException {
        try (Connection c = pg.connect(DATABASE)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, country FROM customers WHERE email = ?")) {
                for (int i = 1; i <= EMAIL_LOOKUPS; i++) {
                    ps.setString(1, "user" + (i * 211 % 50_000) + "@example.com");
                    ps.executeQuery().close();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT o.id, o.total_cents, c.email
                    FROM orders o JOIN customers c ON c.id = o.customer_id
                    WHERE o.customer_id = ? ORDER BY o.created_at DESC""")) {
                for (int i = 1; i <= 60; i++) {
                    ps.setLong(1, i * 701L % 50_000);
                    ps.executeQuery().close();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM customers WHERE status = ?")) {
                for (int i = 0; i < 20; i++) {
                    ps.setString(1, i % 2 == 0 ? "active" : "inactive");
                    ps.executeQuery().close();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM orders WHERE id = ?")) {
                for (int i = 1; i <= 50; i++) {
                    ps.setLong(1, i * 13L);
                    ps.executeQuery().close();
                }
            }
            try (Statement s = c.createStatement()) {
                for (int i = 0; i < 3; i++) {
                    s.executeUpdate("UPDATE events SET counter = counter + 1");
                }
                for (int i = 0; i < 4; i++) {
                    s.executeQuery("SELECT count(*) FROM audit_log WHERE actor = 'svc" + i + "'").close();
                }
            }
        }
    }
}

package dev.pgvigil.embedded.demo;

import dev.pgvigil.embedded.LocalPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A light, steady workload on the demo database that keeps its planted problems visible: lookups and
 * joins on unindexed columns, updates that pile up dead rows, scans of a table larger than the cache,
 * and one session left idle in a transaction holding a lock that another session waits for.
 * Each kind runs on its own thread at a few operations per second, so the demo stays gentle on a laptop.
 */
public final class DemoWorkload implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DemoWorkload.class);

    private final LocalPostgres pg;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    private DemoWorkload(LocalPostgres pg) {
        this.pg = pg;
    }

    public static DemoWorkload start(LocalPostgres pg) {
        DemoWorkload w = new DemoWorkload(pg);
        w.loop("customer-lookup", 200, DemoWorkload::customerByEmail);
        w.loop("orders-of-customer", 200, DemoWorkload::ordersOfCustomer);
        w.loop("event-updates", 100, DemoWorkload::updateEvents);
        w.loop("audit-scan", 3000, DemoWorkload::scanAudit);
        w.loop("indexed-reads", 100, DemoWorkload::orderById);
        w.loop("lock-holder", 0, DemoWorkload::holdLockIdleInTransaction);
        w.loop("lock-waiter", 1000, DemoWorkload::waitForLock);
        return w;
    }

    private interface Operation {
        void run(Connection c) throws SQLException, InterruptedException;
    }

    private void loop(String name, long pauseMillis, Operation op) {
        Thread t = new Thread(() -> {
            while (running) {
                try (Connection c = pg.connect(DemoDatabase.DATABASE)) {
                    c.createStatement().execute("SET application_name = 'shop-" + name + "'");
                    while (running) {
                        op.run(c);
                        Thread.sleep(pauseMillis);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (SQLException e) {
                    if (running) {
                        log.debug("demo workload {}: {}", name, e.getMessage());
                        sleepQuietly(2000); // the database may be restarting; try again
                    }
                }
            }
        }, "demo-" + name);
        t.setDaemon(true);
        t.start();
        threads.add(t);
    }

    private static void customerByEmail(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, country FROM customers WHERE email = ?")) {
            ps.setString(1, "user" + ThreadLocalRandom.current().nextInt(1, 50_000) + "@example.com");
            ps.executeQuery().close();
        }
    }

    private static void ordersOfCustomer(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT o.id, o.total_cents, c.email
                FROM orders o JOIN customers c ON c.id = o.customer_id
                WHERE o.customer_id = ? ORDER BY o.created_at DESC""")) {
            ps.setLong(1, ThreadLocalRandom.current().nextLong(1, 50_000));
            ps.executeQuery().close();
        }
    }

    private static void updateEvents(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE events SET counter = counter + 1 WHERE kind = ? AND id % 10 = ?")) {
            ps.setString(1, List.of("click", "view", "cart").get(ThreadLocalRandom.current().nextInt(3)));
            ps.setInt(2, ThreadLocalRandom.current().nextInt(10));
            ps.executeUpdate();
        }
    }

    private static void scanAudit(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM audit_log WHERE actor = ?")) {
            ps.setString(1, "svc" + ThreadLocalRandom.current().nextInt(50));
            ps.executeQuery().close();
        }
    }

    private static void orderById(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM orders WHERE id = ?")) {
            ps.setLong(1, ThreadLocalRandom.current().nextLong(1, 200_000));
            ps.executeQuery().close();
        }
    }

    /** Takes a row lock and then sits idle in the transaction for ten minutes, like a forgotten console. */
    private static void holdLockIdleInTransaction(Connection c) throws SQLException, InterruptedException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE orders SET status = status WHERE id = 1");
            Thread.sleep(10 * 60_000L);
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    private static void waitForLock(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET lock_timeout = '60s'");
            s.executeUpdate("UPDATE orders SET total_cents = total_cents WHERE id = 1");
        } catch (SQLException e) {
            if (!"55P03".equals(e.getSQLState())) { // lock_not_available: expected while the holder sleeps
                throw e;
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

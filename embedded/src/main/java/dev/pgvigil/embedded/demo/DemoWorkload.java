package dev.pgvigil.embedded.demo;

import dev.pgvigil.embedded.LocalPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A light, steady workload on the demo database that keeps its planted problems visible: lookups and
 * joins on unindexed columns, updates that pile up dead rows, scans of a table larger than the cache,
 * and one session left idle in a transaction holding a lock that another session waits for.
 * Each kind runs on its own thread at a few operations per second, so the demo stays gentle on a laptop.
 *
 * <p>Its disk use is bounded, so the demo can run for days: the updates touch a few dozen {@code events}
 * rows at a time, and a janitor vacuums {@code events} every few minutes, as a too-rare cron job would.
 * The vacuum only reclaims rows older than the oldest open snapshot, and two sessions take turns holding one
 * (the idle-in-transaction lock holder, and a report left open in a repeatable-read transaction, started
 * half a period later), so the horizon is always five to ten minutes old: dead rows and bloat stay visible
 * at every moment, not just between vacuums, while the table stops growing. The WAL is bounded by {@link DemoDatabase#SERVER_SETTINGS}.
 */
public final class DemoWorkload implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DemoWorkload.class);

    /** How long the lock holder sits idle in its transaction (beyond the idle_in_transaction warning). */
    static final Duration IDLE_IN_TRANSACTION = Duration.ofMinutes(10);
    /** How often the janitor vacuums {@code events}. */
    static final Duration VACUUM_EVERY = Duration.ofMinutes(5);
    /** Pause between two updates of {@code events}. */
    static final Duration UPDATE_EVERY = Duration.ofMillis(200);
    /** Each update touches one in this many {@code events} rows. */
    static final int UPDATE_ONE_IN = 600;

    private final LocalPostgres pg;
    private final int speedUp;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    private DemoWorkload(LocalPostgres pg, int speedUp) {
        this.pg = pg;
        this.speedUp = speedUp;
    }

    public static DemoWorkload start(LocalPostgres pg) {
        return start(pg, 1);
    }

    /** The workload with every pause and period divided by {@code speedUp}: a test lives hours of demo in minutes. */
    public static DemoWorkload start(LocalPostgres pg, int speedUp) {
        if (speedUp < 1) {
            throw new IllegalArgumentException("speedUp must be 1 or more: " + speedUp);
        }
        DemoWorkload w = new DemoWorkload(pg, speedUp);
        w.loop("customer-lookup", Duration.ofMillis(200), DemoWorkload::customerByEmail);
        w.loop("orders-of-customer", Duration.ofMillis(200), DemoWorkload::ordersOfCustomer);
        w.loop("event-updates", UPDATE_EVERY, DemoWorkload::updateEvents);
        w.loop("events-janitor", VACUUM_EVERY, DemoWorkload::vacuumEvents);
        w.loop("audit-scan", Duration.ofMillis(3000), DemoWorkload::scanAudit);
        w.loop("indexed-reads", Duration.ofMillis(100), DemoWorkload::orderById);
        w.loop("lock-holder", Duration.ZERO, w::holdLockIdleInTransaction);
        w.loop("report-snapshot", IDLE_IN_TRANSACTION.dividedBy(2), Duration.ZERO, w::holdReportSnapshot);
        w.loop("lock-waiter", Duration.ofMillis(1000), DemoWorkload::waitForLock);
        return w;
    }

    /** A period of the demo at this workload's speed. */
    private Duration scaled(Duration d) {
        return d.dividedBy(speedUp);
    }

    private interface Operation {
        void run(Connection c) throws SQLException, InterruptedException;
    }

    private void loop(String name, Duration pause, Operation op) {
        loop(name, Duration.ZERO, pause, op);
    }

    private void loop(String name, Duration firstAfter, Duration pause, Operation op) {
        long pauseMicros = scaled(pause).toNanos() / 1000;
        Thread t = new Thread(() -> {
            sleepQuietly(scaled(firstAfter).toMillis());
            while (running) {
                try (Connection c = pg.connect(DemoDatabase.DATABASE)) {
                    c.createStatement().execute("SET application_name = 'shop-" + name + "'");
                    while (running) {
                        op.run(c);
                        TimeUnit.MICROSECONDS.sleep(pauseMicros);
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
        // kind is id % 3 (see DemoDatabase), so this touches one row in UPDATE_ONE_IN: a few dozen per statement
        try (PreparedStatement ps = c.prepareStatement("UPDATE events SET counter = counter + 1 WHERE kind = ? AND id % ? = ?")) {
            ps.setString(1, List.of("click", "view", "cart").get(ThreadLocalRandom.current().nextInt(3)));
            ps.setInt(2, UPDATE_ONE_IN / 3);
            ps.setInt(3, ThreadLocalRandom.current().nextInt(UPDATE_ONE_IN / 3));
            ps.executeUpdate();
        }
    }

    private static void vacuumEvents(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("VACUUM events");
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
    private void holdLockIdleInTransaction(Connection c) throws SQLException, InterruptedException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE orders SET status = status WHERE id = 1");
            Thread.sleep(scaled(IDLE_IN_TRANSACTION).toMillis());
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    /** A report's repeatable-read snapshot left open as long as the lock holder's, half a period behind it. */
    private void holdReportSnapshot(Connection c) throws SQLException, InterruptedException {
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT count(*) FROM orders").close();
            Thread.sleep(scaled(IDLE_IN_TRANSACTION).toMillis());
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

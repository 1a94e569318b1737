package dev.pgvigil.catalogue.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.schema.ActivitySnapshot;
import dev.pgvigil.schema.HorizonHolder;
import dev.pgvigil.schema.SessionInfo;
import dev.pgvigil.schema.SnapshotRef;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The activity and replication readers agree on what is pgvigil's own work ({@link OwnSession}), on a
 * real server: another pgvigil session's running read is left out of both, a pgvigil-named session
 * idle in a transaction holding a snapshot is counted by the one and named as a horizon holder by the other.
 */
class OwnSessionTest {
    private static LocalPostgres pg;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    private static Connection pgvigilNamed() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", LocalPostgres.SUPERUSER);
        props.setProperty("password", pg.superuserPassword());
        props.setProperty("ApplicationName", ActivityReader.APPLICATION_NAME);
        return DriverManager.getConnection(pg.jdbcUrl("postgres"), props);
    }

    private static int pid(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void aRunningReadIsPgvigilsButATransactionLeftOpenIsAHolder() throws Exception {
        try (Connection reading = pgvigilNamed(); Connection stuck = pgvigilNamed(); Statement s = stuck.createStatement()) {
            int readingPid = pid(reading);
            int stuckPid = pid(stuck);
            s.execute("BEGIN ISOLATION LEVEL REPEATABLE READ");
            s.execute("SELECT 1");
            // another collector's read in flight: active, with a snapshot (backend_xmin) while it runs
            CompletableFuture<Void> read = CompletableFuture.runAsync(() -> {
                try (Statement r = reading.createStatement()) {
                    r.execute("SELECT pg_sleep(5)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (Connection c = pg.connect("postgres")) {
                awaitActive(c, readingPid);
                SnapshotRef ref = new SnapshotRef("i", "s", Instant.now());
                var holders = ReplicationReader.read(c, ref, ServerInfoReader.read(c).versionNum()).getHorizonHolders();
                ActivitySnapshot activity = ActivityReader.read(c, ref, new ActivityReader.Options(50, 0, 100));

                assertThat(holders).extracting(HorizonHolder::getName)
                        .contains(String.valueOf(stuckPid)).doesNotContain(String.valueOf(readingPid));
                assertThat(activity.getSessions()).extracting(SessionInfo::getPid).contains(stuckPid).doesNotContain(readingPid);
                assertThat(activity.getIdleInTransactionCount()).isEqualTo(1);
                assertThat(activity.getByApplication()).containsEntry(ActivityReader.APPLICATION_NAME, 1);
            } finally {
                s.execute("ROLLBACK");
                read.join();
            }
        }
    }

    private static void awaitActive(Connection c, int pid) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (ResultSet rs = c.createStatement().executeQuery(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid + " AND state = 'active' AND backend_xmin IS NOT NULL")) {
                rs.next();
                if (rs.getInt(1) == 1) {
                    return;
                }
            }
            assertThat(System.nanoTime()).as("the read runs within 10 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}

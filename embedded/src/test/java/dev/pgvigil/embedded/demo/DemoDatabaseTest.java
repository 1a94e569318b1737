package dev.pgvigil.embedded.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.embedded.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoDatabaseTest {

    @Test
    void plantsItsProblemsAndTheWorkloadMakesThemVisible() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(new LocalPostgres.Options(DemoDatabase.SERVER_SETTINGS))) {
            DemoDatabase.Target target = DemoDatabase.create(pg, DemoDatabase.Scale.SMALL);
            assertThat(target.toString()).doesNotContain(target.password());
            try (DemoWorkload ignored = DemoWorkload.start(pg);
                 Connection monitor = pg.connect(DemoDatabase.DATABASE, target.user(), target.password())) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                boolean blocked = false;
                long deadRows = 0;
                while (System.nanoTime() < deadline && !(blocked && deadRows > 0)) {
                    Thread.sleep(500);
                    blocked = number(monitor, "SELECT count(*) FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0") > 0;
                    deadRows = number(monitor, "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'events'");
                }
                assertThat(blocked).as("a session waits on the idle-in-transaction lock holder").isTrue();
                assertThat(deadRows).as("dead rows pile up in events").isPositive();
                // the monitoring role sees other roles' statements: it holds pg_monitor
                assertThat(number(monitor, "SELECT count(*) FROM pg_stat_statements WHERE query LIKE '%FROM customers WHERE email%'"))
                        .isPositive();
                assertThat(number(monitor, "SELECT count(*) FROM pg_indexes WHERE indexname = 'customers_created_at_idx'")).isEqualTo(1);
            }
        }
    }

    private static long number(Connection c, String sql) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

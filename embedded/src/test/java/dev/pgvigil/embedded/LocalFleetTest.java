package dev.pgvigil.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFleetTest {
    @TempDir
    Path dir;

    @Test
    void everyDatabaseHasItsTablesAndTheWorkloadMovesEachOfThem() throws Exception {
        Map<String, Integer> sizes = new LinkedHashMap<>(); // clusters in this order (Map.of has none)
        sizes.put("a", 2);
        sizes.put("b", 1);
        try (LocalFleet fleet = new LocalFleet(sizes, 4, LocalPostgres.Options.defaults(), dir)) {
            assertThat(fleet.targets()).extracting(LocalFleet.Target::id).containsExactly("a-01", "a-02", "b-01");
            assertThat(fleet.targetsOf("a")).containsExactly("a-01", "a-02");
            fleet.startWorkload();
            for (LocalFleet.Target t : fleet.targets()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                long tablesWritten = 0;
                while (tablesWritten < 4 && System.nanoTime() < deadline) {
                    LocalFleet.sleep(Duration.ofMillis(500));
                    // read as the monitoring role the collectors use: it must be able to log in and see the counters
                    try (Connection c = t.pg().connect(t.database(), LocalFleet.MONITOR, "fleet-monitor-pw");
                         ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM pg_stat_user_tables"
                                 + " WHERE relname LIKE 'work%' AND n_tup_ins > 0")) {
                        rs.next();
                        tablesWritten = rs.getLong(1);
                    }
                }
                assertThat(tablesWritten).as("tables of %s with inserts", t.id()).isEqualTo(4);
            }
            assertThat(fleet.targetsYaml()).contains("id: b-01").contains("includeDatabases: [b_db01]").contains("user: monitor");
        }
    }
}

package dev.pgvigil.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.catalogue.read.ActivityReader;
import dev.pgvigil.catalogue.read.DatabaseScope;
import dev.pgvigil.catalogue.read.ReadListener;
import dev.pgvigil.catalogue.read.ServerInfo;
import dev.pgvigil.catalogue.read.SnapshotReader;
import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.schema.SnapshotRef;
import java.time.Duration;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A collector's session plans each of its statements once: its cycles run the same statements, and the
 * catalogue views they read cost more to plan than to run, so a plan made afresh on each of a statement's
 * first runs (the server's default for statements with parameters) was most of a new session's cost. A
 * session for one-shot questions keeps the server's plans, since the advisor explains statements with it.
 */
class TargetConnectionPlanningTest {
    private static LocalPostgres pg;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
        pg.execute("postgres", "CREATE ROLE watcher LOGIN PASSWORD 'watcher-pw'", "GRANT pg_monitor TO watcher",
                "CREATE DATABASE shop");
        pg.execute("shop", "CREATE EXTENSION pg_stat_statements",
                "CREATE TABLE orders (id int PRIMARY KEY, customer int)", "CREATE INDEX ON orders (customer)",
                "ALTER SYSTEM SET pg_stat_statements.track_planning = on", "SELECT pg_reload_conf()");
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void everyStatementOfASessionIsPlannedOnceHoweverOftenItRuns() throws Exception {
        TargetConfig target = new TargetConfig("shop", pg.jdbcUrl("shop"), "watcher", "watcher-pw", null, null, null, null,
                List.of("shop"), null);
        SnapshotReader reader = new SnapshotReader(new SnapshotReader.Options(1000, new ActivityReader.Options(10, 0, 1000), 100, Duration.ZERO),
                DatabaseScope.only("shop"));
        int cycles = 4;
        try (TargetConnection connection = new TargetConnection(target, ConnectionLimits.of(null, null, 5, null), true)) {
            Connection c = connection.get();
            ServerInfo server = reader.server(c);
            for (int i = 0; i < cycles; i++) {
                reader.read(c, new SnapshotRef("shop", "s" + i, Instant.now()), server, ReadListener.NONE);
            }
        }
        try (TargetConnection advisor = new TargetConnection(target, ConnectionLimits.of(null, null, 5, null));
             Statement s = advisor.get().createStatement(); ResultSet rs = s.executeQuery("SHOW plan_cache_mode")) {
            rs.next();
            assertThat(rs.getString(1)).as("a one-shot session's plans").isEqualTo("auto");
        }
        try (Connection c = pg.connect("shop"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) AS statements, max(s.plans) AS most_plans FROM pg_stat_statements s "
                     + "JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = 'watcher' AND s.calls >= " + cycles)) {
            rs.next();
            assertThat(rs.getInt("statements")).as("statements run on every cycle").isGreaterThan(5);
            assertThat(rs.getLong("most_plans")).as("plans of the most planned of them").isEqualTo(1);
        }
    }
}

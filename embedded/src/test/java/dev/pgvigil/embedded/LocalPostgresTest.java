package dev.pgvigil.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalPostgresTest {

    @Test
    void startsWithPgStatStatementsStopsAndRestarts() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start()) {
            pg.execute("postgres", "CREATE EXTENSION pg_stat_statements");
            try (Connection c = pg.connect("postgres"); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT count(*) FROM pg_stat_statements")) {
                assertThat(rs.next()).isTrue();
            }
            assertThatThrownBy(() -> pg.connect("postgres", LocalPostgres.SUPERUSER, "wrong"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("password");
            pg.stop();
            assertThatThrownBy(() -> pg.connect("postgres")).isInstanceOf(SQLException.class);
            pg.restart();
            java.sql.Timestamp started;
            try (Connection c = pg.connect("postgres"); ResultSet rs = c.createStatement().executeQuery("SELECT pg_postmaster_start_time()")) {
                rs.next();
                started = rs.getTimestamp(1);
            }
            pg.crashRestart();
            try (Connection c = pg.connect("postgres"); ResultSet rs = c.createStatement().executeQuery("SELECT pg_postmaster_start_time()")) {
                rs.next();
                assertThat(rs.getTimestamp(1)).as("a new postmaster after the crash").isAfter(started);
            }
        }
    }

    @Test
    void startsAMajorVersionFromItsMavenJarUnpackedOnce() throws Exception {
        PostgresBinaries first = PostgresBinaries.of(13);
        assertThat(first.lib()).as("not a system install: its own libraries").isNotNull();
        assertThat(PostgresBinaries.of(13)).isEqualTo(first);
        try (Stream<Path> siblings = Files.list(first.bin().getParent().getParent())) {
            assertThat(siblings).as("no half-unpacked copy left").noneMatch(p -> p.getFileName().toString().contains(".unpacking-"));
        }
        try (LocalPostgres pg = LocalPostgres.start(13, LocalPostgres.Options.defaults())) {
            assertThat(pg.majorVersion()).isEqualTo(13);
            pg.execute("postgres", "CREATE EXTENSION pg_stat_statements");
            try (Connection c = pg.connect("postgres"); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT current_setting('server_version_num')::int / 10000, count(*) FROM pg_stat_statements")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(13);
            }
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {15, 18})
    void aStandbyStreamsFromItsPrimaryOverItsSlot(int major) throws Exception {
        try (LocalPostgres primary = LocalPostgres.start(major, LocalPostgres.Options.defaults());
             LocalPostgres standby = primary.startStandby("standby_a", LocalPostgres.Options.defaults())) {
            assertThat(standby.port()).isNotEqualTo(primary.port());
            primary.execute("postgres", "CREATE TABLE t (x int)", "INSERT INTO t SELECT generate_series(1, 1000)");
            try (Connection c = standby.connect("postgres")) {
                long deadline = System.nanoTime() + 30_000_000_000L;
                long rows = -1;
                while (rows != 1000 && System.nanoTime() < deadline) {
                    try (ResultSet rs = c.createStatement().executeQuery(
                            "SELECT pg_is_in_recovery(), (SELECT count(*) FROM pg_class WHERE relname = 't')")) {
                        rs.next();
                        assertThat(rs.getBoolean(1)).as("a standby").isTrue();
                        if (rs.getLong(2) == 1) {
                            try (ResultSet n = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
                                n.next();
                                rows = n.getLong(1);
                            }
                        }
                    }
                    Thread.sleep(100);
                }
                assertThat(rows).as("the primary's rows, streamed").isEqualTo(1000);
            }
            try (Connection c = primary.connect("postgres"); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT r.application_name, r.state, s.slot_name FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = r.pid")) {
                assertThat(rs.next()).as("the standby in pg_stat_replication, on its slot").isTrue();
                assertThat(rs.getString(1)).isEqualTo("standby_a");
                assertThat(rs.getString(2)).isEqualTo("streaming");
                assertThat(rs.getString(3)).isEqualTo("standby_a");
            }
        }
    }
}

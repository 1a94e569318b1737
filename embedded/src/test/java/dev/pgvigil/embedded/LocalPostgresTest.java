package dev.pgvigil.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
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
}

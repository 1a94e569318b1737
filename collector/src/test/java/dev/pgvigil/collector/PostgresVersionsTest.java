package dev.pgvigil.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.collector.publish.OutRecord;
import dev.pgvigil.collector.publish.Publication;
import dev.pgvigil.schema.IndexesChunk;
import dev.pgvigil.schema.SettingsChunk;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.SnapshotStatus;
import dev.pgvigil.schema.StatementsChunk;
import dev.pgvigil.schema.TablesChunk;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The catalogue differences of PostgreSQL 13 to 17 (15 is covered by the local-cluster tests), read
 * through official images where Docker exists. Skipped cleanly where it does not.
 */
@Testcontainers(disabledWithoutDocker = true)
class PostgresVersionsTest {
    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(strings = {"13", "14", "16", "17"})
    void everyKindIsReadAsAPgMonitorRole(String major) throws Exception {
        try (PostgreSQLContainer<?> pg = new PostgreSQLContainer<>("postgres:" + major + "-alpine")
                .withCommand("postgres", "-c", "shared_preload_libraries=pg_stat_statements", "-c", "pg_stat_statements.track=all")) {
            pg.start();
            try (Connection c = DriverManager.getConnection(pg.getJdbcUrl(), pg.getUsername(), pg.getPassword());
                    Statement s = c.createStatement()) {
                s.execute("CREATE EXTENSION pg_stat_statements");
                s.execute("CREATE ROLE watcher LOGIN PASSWORD 'watcher-pw'");
                s.execute("GRANT pg_monitor TO watcher");
                s.execute("CREATE TABLE items (id int PRIMARY KEY, name text)");
                s.execute("INSERT INTO items SELECT i, 'n' || i FROM generate_series(1, 100) i");
                s.execute("SELECT count(*) FROM items WHERE name = 'n7'");
            }
            String url = "jdbc:postgresql://" + pg.getHost() + ":" + pg.getFirstMappedPort() + "/" + pg.getDatabaseName();
            TargetConfig target = new TargetConfig("pg" + major, url, "watcher", "watcher-pw", null, null, null, null, null, null);
            Publication p;
            try (TargetRunner runner = new TargetRunner(target, CollectorConfig.of(List.of(target)))) {
                p = runner.collect();
            }
            SnapshotInfo info = p.info();
            assertThat(info.getStatus()).as("%s %s", info.getWarnings(), info.getError()).isEqualTo(SnapshotStatus.OK);
            assertThat(info.getServerVersionNum() / 10_000).isEqualTo(Integer.parseInt(major));
            assertThat(info.getStatementsResetAt() != null).isEqualTo(Integer.parseInt(major) >= 14);
            assertThat(values(p, StatementsChunk.class).stream().flatMap(c -> c.getStatements().stream()))
                    .anyMatch(s -> s.getQuery() != null && s.getQuery().startsWith("SELECT count(*) FROM items") && s.getWalBytes() != null);
            assertThat(values(p, TablesChunk.class).stream().flatMap(c -> c.getTables().stream()))
                    .anyMatch(t -> t.getTableName().equals("items") && t.getNInsSinceVacuum() != null);
            assertThat(values(p, IndexesChunk.class).stream().flatMap(c -> c.getIndexes().stream()))
                    .anyMatch(i -> i.getIndexName().equals("items_pkey") && i.getIsPrimary());
            assertThat(values(p, SettingsChunk.class).stream().flatMap(c -> c.getSettings().stream()))
                    .anyMatch(s -> s.getName().equals("shared_buffers") && "bytes".equals(s.getNormalizedUnit()));
        }
    }

    private static <T> List<T> values(Publication p, Class<T> type) {
        return p.chunks().stream().map(OutRecord::value).filter(type::isInstance).map(type::cast).toList();
    }
}

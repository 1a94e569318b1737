package dev.pgvigil.advisor.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.advisor.testing.Cli;
import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.embedded.PostgresMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code pgvigil report --json} on every supported PostgreSQL version, against a small workload. */
class ReportOnEveryVersionTest {
    static final PostgresMatrix clusters = new PostgresMatrix(LocalPostgres.Options.defaults(), pg -> pg.execute("postgres",
            "CREATE EXTENSION pg_stat_statements",
            "CREATE TABLE items (id int PRIMARY KEY, name text)",
            "INSERT INTO items SELECT i, 'n' || i FROM generate_series(1, 2000) i",
            "SELECT count(*) FROM items WHERE name = 'n7'",
            "SELECT count(*) FROM items WHERE name = 'n8'"));

    @AfterAll
    static void stop() {
        clusters.close();
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("dev.pgvigil.embedded.PostgresMatrix#majors")
    void reportsTheWorkloadAsJson(int major, @TempDir Path dir) throws Exception {
        LocalPostgres pg = clusters.cluster(major);
        Path password = Files.writeString(dir.resolve("password"), pg.superuserPassword());
        Cli.Result r = Cli.run(new ReportCommand(), "--target", pg.jdbcUrl("postgres"), "--user", "postgres",
                "--password-file", password.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isIn(0, 1);
        JsonNode root = new ObjectMapper().readTree(r.out());
        List<String> statements = StreamSupport.stream(root.path("statements").spliterator(), false)
                .map(s -> s.path("query").asText()).toList();
        assertThat(statements).as("the workload, not pgvigil's own reads")
                .anyMatch(q -> q.startsWith("SELECT count(*) FROM items WHERE name ="))
                .noneMatch(q -> q.contains("pgvigil"));
        assertThat(root.path("tables").findValuesAsText("table")).contains("public.items");
        assertThat(root.path("connections").path("total").asInt()).isPositive();
    }
}

package dev.pgvigil.advisor.table;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.advisor.testing.Cli;
import dev.pgvigil.advisor.testing.Shop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(Shop.class)
class AnalyzeTableCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NAMES = "names";

    @BeforeAll
    static void names() {
        Shop.pg().createDatabase(NAMES);
        Shop.pg().execute(NAMES,
                "CREATE TABLE t (id int PRIMARY KEY)",
                "CREATE TABLE \"MixedCase\" (\"Id\" int PRIMARY KEY, note text DEFAULT 'x' CHECK (note <> ''))",
                "CREATE SCHEMA sales",
                "CREATE TABLE sales.\"Order Items\" (id int)");
    }

    static Cli.Result analyze(String database, String... more) {
        List<String> a = new ArrayList<>(List.of(Shop.target(database)));
        a.addAll(List.of(more));
        return Cli.run(new AnalyzeTableCommand(), a.toArray(String[]::new));
    }

    static List<String> findings(JsonNode root) {
        return StreamSupport.stream(root.path("findings").spliterator(), false)
                .map(f -> f.path("kind").asText() + " " + f.path("object").asText()).toList();
    }

    @Test
    void aBloatedTableWithAutovacuumOff() throws Exception {
        Cli.Result r = analyze(Shop.DATABASE, "events", "--json");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        JsonNode root = JSON.readTree(r.out());
        assertThat(root.path("table").asText()).isEqualTo("public.events");
        assertThat(root.path("rows").path("live").asLong()).isEqualTo(20_000);
        assertThat(root.path("rows").path("dead").asLong()).isGreaterThanOrEqualTo(40_000);
        assertThat(root.path("bloat").path("wastedShare").asDouble()).isGreaterThan(0.5);
        assertThat(root.path("maintenance").path("reloptions").toString()).contains("autovacuum_enabled=false");
        assertThat(findings(root)).contains("vacuum_overdue public.events", "table_bloat public.events");
        assertThat(root.path("statements").get(0).path("query").asText()).startsWith("UPDATE events SET counter");
        assertThat(root.path("columns").findValuesAsText("name")).containsExactly("id", "kind", "counter", "payload");
        assertThat(root.path("constraints").get(0).path("kind").asText()).isEqualTo("primary key");
    }

    @Test
    void unusedAndDuplicateIndexes() throws Exception {
        JsonNode customers = JSON.readTree(analyze(Shop.DATABASE, "public.customers", "--json", "--unused-index-days", "0").out());
        assertThat(findings(customers)).contains("unused_index public.customers_created_at_idx");
        assertThat(findings(customers)).noneMatch(f -> f.contains("customers_pkey"));
        // with the default of 7 days, statistics a few seconds old are no evidence of anything unused
        JsonNode fresh = JSON.readTree(analyze(Shop.DATABASE, "public.customers", "--json").out());
        assertThat(findings(fresh)).noneMatch(f -> f.startsWith("unused_index"));

        Cli.Result orders = analyze(Shop.DATABASE, "orders", "--json");
        assertThat(findings(JSON.readTree(orders.out()))).contains("duplicate_index public.orders_status_idx");
        JsonNode indexes = JSON.readTree(orders.out()).path("indexes");
        assertThat(indexes.findValuesAsText("name")).contains("orders_pkey", "orders_status_idx", "orders_status_created_idx");
    }

    @Test
    void humanOutputHasEverySection() {
        Cli.Result r = analyze(Shop.DATABASE, "events");
        assertThat(r.out()).contains("Table public.events (a table)").contains("heap").contains("TOAST").contains("Columns")
                .contains("Indexes").contains("events_pkey").contains("Vacuum and analyze").contains("Top statements touching it")
                .contains("vacuum_overdue").contains("autovacuum_enabled=false");
    }

    @Test
    void theNameIsAnIdentifierNeverSql() throws Exception {
        Cli.Result hostile = analyze(NAMES, "x; DROP TABLE t --");
        assertThat(hostile.exitCode()).isEqualTo(2);
        assertThat(hostile.err()).contains("not a valid table name");
        Cli.Result quoted = analyze(NAMES, "t'); DROP TABLE t; --");
        assertThat(quoted.exitCode()).isEqualTo(2);
        try (Connection c = Shop.pg().connect(NAMES); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_class WHERE relname = 't'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }

        Cli.Result mixed = analyze(NAMES, "\"MixedCase\"", "--json");
        assertThat(mixed.exitCode()).as(mixed.err()).isZero();
        assertThat(JSON.readTree(mixed.out()).path("table").asText()).isEqualTo("public.MixedCase");
        assertThat(JSON.readTree(mixed.out()).path("constraints").findValuesAsText("kind")).contains("primary key", "check");
        Cli.Result spaced = analyze(NAMES, "sales.\"Order Items\"", "--json");
        assertThat(spaced.exitCode()).as(spaced.err()).isZero();

        Cli.Result folded = analyze(NAMES, "mixedcase");
        assertThat(folded.exitCode()).isEqualTo(2);
        assertThat(folded.err()).contains("no table mixedcase").contains("public.\"MixedCase\"");
        assertThat(analyze(NAMES, "nope.t").exitCode()).isEqualTo(2);
        Cli.Result index = analyze(NAMES, "t_pkey");
        assertThat(index.exitCode()).isEqualTo(2);
        assertThat(index.err()).contains("is an index, not a table");
    }

    @Test
    void theConfigurationsThresholdsForThisInstanceJudge(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("pgvigil.yaml");
        Files.writeString(config, """
                analyzer:
                  applicationId: ignored-here
                  rules:
                    thresholds:
                      table_bloat: {enabled: false}
                    instances:
                      shop-1:
                        dead_rows: {enabled: false}
                """);
        List<String> global = findings(JSON.readTree(analyze(Shop.DATABASE, "events", "--json", "--config", config.toString()).out()));
        assertThat(global).contains("vacuum_overdue public.events").doesNotContain("table_bloat public.events");
        Cli.Result own = analyze(Shop.DATABASE, "events", "--json", "--config", config.toString(), "--instance-id", "shop-1");
        assertThat(findings(JSON.readTree(own.out()))).as(own.err()).doesNotContain("vacuum_overdue public.events", "table_bloat public.events");
    }

    @Test
    void aBadConfigurationIsAUsageError(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "analyzer:\n  rules:\n    thresholds:\n      dead_rows: {warning: 0.5, critical: 0.2}\n");
        Cli.Result bad = analyze(Shop.DATABASE, "events", "--config", config.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("dead_rows").contains("critical");
        Cli.Result alone = analyze(Shop.DATABASE, "events", "--instance-id", "shop-1");
        assertThat(alone.exitCode()).isEqualTo(2);
        assertThat(alone.err()).contains("--instance-id needs --config");
    }
}

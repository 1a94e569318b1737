package dev.pgvigil.advisor.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.advisor.testing.Cli;
import dev.pgvigil.advisor.testing.Shop;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(Shop.class)
class BaselineCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DB = "growth";

    static Cli.Result baseline(Path file, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of(Shop.target(DB)));
        a.addAll(List.of("--file", file.toString()));
        return Cli.run(new BaselineCommand(), a.toArray(String[]::new));
    }

    static void sleepCalls(double seconds) throws Exception {
        try (Connection c = Shop.pg().connect(DB); PreparedStatement ps = c.prepareStatement("SELECT pg_sleep(?)")) {
            for (int i = 0; i < 5; i++) {
                ps.setDouble(1, seconds);
                ps.executeQuery().close();
            }
        }
    }

    /** Row counts reach pg_stat_user_tables when the inserting session flushes its statistics, a moment after it ends. */
    static void awaitLiveRows(long rows) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try (Connection c = Shop.pg().connect(DB);
                 java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'items'")) {
                if (rs.next() && rs.getLong(1) == rows) {
                    return;
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("pg_stat_user_tables never showed " + rows + " live rows in items");
            }
            Thread.sleep(100);
        }
    }

    @Test
    void createCompareShow(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("baselines.json");
        Shop.pg().createDatabase(DB);
        Shop.pg().execute(DB, "CREATE EXTENSION pg_stat_statements",
                "CREATE TABLE items (id bigserial PRIMARY KEY, note text)",
                "INSERT INTO items (note) SELECT repeat('x', 100) FROM generate_series(1, 1000)");
        awaitLiveRows(1000);
        sleepCalls(0.001);

        Cli.Result none = baseline(file, "compare");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("baseline create");

        Cli.Result create = baseline(file, "create", "--name", "before", "--json");
        assertThat(create.exitCode()).as(create.err()).isZero();
        JsonNode before = JSON.readTree(create.out());
        assertThat(before.path("name").asText()).isEqualTo("before");
        assertThat(before.path("metrics").path("table_count").asInt()).isEqualTo(1);
        assertThat(before.path("tables").get(0).path("name").asText()).isEqualTo("public.items");
        assertThat(before.path("tables").get(0).path("rows").asLong()).isEqualTo(1000);

        // the table grows tenfold and the statement gets fifty times slower
        Shop.pg().execute(DB, "INSERT INTO items (note) SELECT repeat('y', 100) FROM generate_series(1, 9000)",
                "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = 'growth'), 0)");
        awaitLiveRows(10_000);
        sleepCalls(0.05);

        Cli.Result compare = baseline(file, "compare", "--json");
        assertThat(compare.exitCode()).as(compare.err()).isEqualTo(1);
        JsonNode cmp = JSON.readTree(compare.out()).path("comparison");
        assertThat(cmp.path("baselineName").asText()).isEqualTo("before");
        JsonNode rows = StreamSupport.stream(cmp.path("metrics").spliterator(), false)
                .filter(m -> m.path("metric").asText().equals("live_rows")).findFirst().orElseThrow();
        assertThat(rows.path("baseline").asDouble()).isEqualTo(1000);
        assertThat(rows.path("now").asDouble()).isEqualTo(10_000);
        assertThat(rows.path("direction").asText()).isEqualTo("UP");
        JsonNode items = cmp.path("tables").get(0);
        assertThat(items.path("rows").path("now").asLong()).isEqualTo(10_000);
        JsonNode findings = JSON.readTree(compare.out()).path("findings");
        assertThat(findings.get(0).path("kind").asText()).isEqualTo("slow_query");
        assertThat(findings.get(0).path("detail").asText()).contains("pg_sleep");

        Cli.Result human = baseline(file, "compare");
        assertThat(human.out()).contains("Now against baseline 'before'").contains("live rows").contains("↑").contains("public.items")
                .contains("slow_query");

        assertThat(baseline(file, "create", "--name", "after").exitCode()).isZero();
        Cli.Result show = baseline(file, "show");
        assertThat(show.exitCode()).isZero();
        assertThat(show.out()).contains("before").contains("after");
        JsonNode list = JSON.readTree(baseline(file, "show", "--json").out());
        assertThat(StreamSupport.stream(list.spliterator(), false).map(b -> b.path("name").asText())).containsExactly("before", "after");
        assertThat(baseline(file, "compare", "--name", "nope").exitCode()).isEqualTo(2);
    }
}

package dev.pgvigil.advisor.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.advisor.testing.Cli;
import dev.pgvigil.advisor.testing.Shop;
import dev.pgvigil.embedded.LocalPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Shop.class)
class SuggestIndexesCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static String[] args(String database, String... more) {
        List<String> a = new ArrayList<>(List.of(Shop.target(database)));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    static List<String> indexes(JsonNode root, String path) {
        return StreamSupport.stream(root.path("advice").path(path).spliterator(), false)
                .map(s -> s.path("table").asText() + " " + s.path("columns").toString())
                .toList();
    }

    @Test
    void verifiedAdviceFindsThePlantedMissingIndexesAndNothingElse() throws Exception {
        Cli.Result r = Cli.run(new SuggestIndexesCommand(), args(Shop.DATABASE, "--json"));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        JsonNode root = JSON.readTree(r.out());
        assertThat(root.path("advice").path("verified").asBoolean()).isTrue();
        List<String> suggested = indexes(root, "suggestions");
        assertThat(suggested).contains("public.customers [\"email\"]");
        assertThat(suggested).anyMatch(s -> s.startsWith("public.orders [\"customer_id\""));
        // two-valued status, three-valued kind: an index would return most of the table
        assertThat(suggested).noneMatch(s -> s.contains("\"status\"") || s.contains("\"kind\""));
        assertThat(suggested).noneMatch(s -> s.startsWith("public.events") || s.startsWith("public.audit_log"));
        List<String> skipped = indexes(root, "skipped");
        assertThat(skipped).contains("public.customers [\"status\"]");
        JsonNode status = StreamSupport.stream(root.path("advice").path("skipped").spliterator(), false)
                .filter(s -> s.path("table").asText().equals("public.customers") && s.path("columns").toString().equals("[\"status\"]"))
                .findFirst().orElseThrow();
        assertThat(status.path("reason").asText()).contains("low selectivity");

        JsonNode email = StreamSupport.stream(root.path("advice").path("suggestions").spliterator(), false)
                .filter(s -> s.path("columns").toString().equals("[\"email\"]")).findFirst().orElseThrow();
        assertThat(email.path("createStatement").asText()).isEqualTo("CREATE INDEX CONCURRENTLY ON public.customers (email);");
        assertThat(email.path("expectedGain").asDouble()).isGreaterThan(0.5);
        JsonNode lookup = email.path("statements").get(0);
        assertThat(lookup.path("query").asText()).contains("WHERE email = $1");
        assertThat(lookup.path("calls").asLong()).isEqualTo(Shop.EMAIL_LOOKUPS);
        assertThat(lookup.path("costAfter").asDouble()).isLessThan(lookup.path("costBefore").asDouble() / 2);

        // every suggestion is also a finding in the shared shape
        JsonNode finding = root.path("findings").get(0);
        assertThat(finding.path("kind").asText()).isEqualTo("missing_index");
        assertThat(finding.path("severity").asText()).isEqualTo("WARNING");
        assertThat(finding.path("instance").asText()).isEqualTo("127.0.0.1:" + Shop.pg().port() + "/shop");
        assertThat(root.path("findings")).hasSize(root.path("advice").path("suggestions").size());
    }

    @Test
    void humanOutputListsTheStatementsToRun() {
        Cli.Result r = Cli.run(new SuggestIndexesCommand(), args(Shop.DATABASE));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("CREATE INDEX CONCURRENTLY ON public.customers (email);")
                .contains("verified with HypoPG")
                .contains("Not suggested")
                .doesNotContain("\u001B[");
    }

    @Test
    void withoutHypoPgTheAdviceIsMarkedUnverifiedAndCreateHypoPgVerifiesIt() throws Exception {
        LocalPostgres pg = Shop.pg();
        pg.createDatabase("catalogue");
        pg.execute("catalogue",
                "CREATE EXTENSION pg_stat_statements",
                "CREATE TABLE items (id bigserial PRIMARY KEY, sku text NOT NULL, category int NOT NULL)",
                "INSERT INTO items (sku, category) SELECT 'sku-' || g, g % 3 FROM generate_series(1, 30000) g",
                "ANALYZE items");
        try (Connection c = pg.connect("catalogue");
             PreparedStatement ps = c.prepareStatement("SELECT * FROM items WHERE sku = ?")) {
            for (int i = 0; i < 30; i++) {
                ps.setString(1, "sku-" + (i * 997));
                ps.executeQuery().close();
            }
        }
        Cli.Result unverified = Cli.run(new SuggestIndexesCommand(), args("catalogue", "--json"));
        assertThat(unverified.exitCode()).as(unverified.err()).isEqualTo(1);
        JsonNode root = JSON.readTree(unverified.out());
        assertThat(root.path("advice").path("verified").asBoolean()).isFalse();
        assertThat(root.path("advice").path("verification").asText()).as(unverified.err()).startsWith("UNVERIFIED").contains("--create-hypopg");
        assertThat(indexes(root, "suggestions")).containsExactly("public.items [\"sku\"]");
        assertThat(root.path("findings").get(0).path("detail").asText()).contains("unverified");

        Cli.Result human = Cli.run(new SuggestIndexesCommand(), args("catalogue"));
        assertThat(human.out()).contains("UNVERIFIED");

        Cli.Result verified = Cli.run(new SuggestIndexesCommand(), args("catalogue", "--json", "--create-hypopg"));
        assertThat(verified.exitCode()).as(verified.err()).isEqualTo(1);
        JsonNode v = JSON.readTree(verified.out());
        assertThat(v.path("advice").path("verified").asBoolean()).isTrue();
        assertThat(indexes(v, "suggestions")).containsExactly("public.items [\"sku\"]");
    }

    @Test
    void badUsageAndUnreachableTargetsExitWithTwo() {
        Cli.Result bad = Cli.run(new SuggestIndexesCommand(), args(Shop.DATABASE, "--max-selectivity", "3"));
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--max-selectivity");
        Cli.Result down = Cli.run(new SuggestIndexesCommand(), "--target", "postgresql://someone:s3cret-pw@127.0.0.1:1/shop");
        assertThat(down.exitCode()).isEqualTo(2);
        assertThat(down.err()).contains("cannot connect").doesNotContain("s3cret-pw");
        Cli.Result nonsense = Cli.run(new SuggestIndexesCommand(), "--target", "mysql://x/y");
        assertThat(nonsense.exitCode()).isEqualTo(2);
    }
}

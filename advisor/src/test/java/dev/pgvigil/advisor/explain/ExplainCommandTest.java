package dev.pgvigil.advisor.explain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.advisor.testing.Cli;
import dev.pgvigil.advisor.testing.Shop;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Shop.class)
class ExplainCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Cli.Result explain(String... more) {
        List<String> a = new ArrayList<>(List.of(Shop.target(Shop.DATABASE)));
        a.addAll(List.of(more));
        return Cli.run(new ExplainCommand(), a.toArray(String[]::new));
    }

    static List<String> kinds(JsonNode root) {
        return StreamSupport.stream(root.path("problems").spliterator(), false).map(p -> p.path("kind").asText()).toList();
    }

    static long count(String sql) throws Exception {
        try (Connection c = Shop.pg().connect(Shop.DATABASE); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void flagsTheSeqScanAndSuggestsTheIndex() throws Exception {
        Cli.Result r = explain("--sql", "SELECT id FROM customers WHERE email = 'user42@example.com'", "--json");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        JsonNode root = JSON.readTree(r.out());
        assertThat(root.path("analyzed").asBoolean()).isFalse();
        assertThat(root.path("plan").path("Plan").path("Node Type").asText()).isEqualTo("Seq Scan");
        assertThat(kinds(root)).containsExactly("seq_scan");
        assertThat(root.path("problems").get(0).path("node").asText()).isEqualTo("Seq Scan on public.customers");
        JsonNode suggestion = root.path("indexAdvice").path("suggestions").get(0);
        assertThat(suggestion.path("createStatement").asText()).isEqualTo("CREATE INDEX CONCURRENTLY ON public.customers (email);");
        assertThat(suggestion.path("verified").asBoolean()).isTrue();
        assertThat(root.path("findings").findValuesAsText("kind")).contains("missing_index", "slow_query");
    }

    @Test
    void anIndexedLookupIsHealthy() throws Exception {
        Cli.Result r = explain("--sql", "SELECT * FROM orders WHERE id = 42", "--analyze", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode root = JSON.readTree(r.out());
        assertThat(root.path("plan").path("Plan").path("Node Type").asText()).isEqualTo("Index Scan");
        assertThat(root.path("plan").path("Plan").path("Actual Rows").asLong()).isEqualTo(1);
        assertThat(root.path("problems")).isEmpty();
    }

    @Test
    void aStatementFromPgStatStatementsGetsItsGenericPlanOrRepresentativeValues() throws Exception {
        long queryId;
        try (Connection c = Shop.pg().connect(Shop.DATABASE); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT queryid FROM pg_stat_statements WHERE query = 'SELECT id, country FROM customers WHERE email = $1'")) {
            assertThat(rs.next()).isTrue();
            queryId = rs.getLong(1);
        }
        Cli.Result generic = explain("--query-id", String.valueOf(queryId), "--json");
        assertThat(generic.exitCode()).as(generic.err()).isEqualTo(1);
        JsonNode g = JSON.readTree(generic.out());
        assertThat(g.path("queryId").asLong()).isEqualTo(queryId);
        assertThat(g.path("plan").path("Plan").has("Actual Rows")).isFalse();
        assertThat(g.path("plan").toString()).contains("$1");

        Cli.Result analyzed = explain("--query-id", String.valueOf(queryId), "--analyze", "--json");
        assertThat(analyzed.exitCode()).as(analyzed.err()).isEqualTo(1);
        JsonNode a = JSON.readTree(analyzed.out());
        assertThat(a.path("parameterValues").get(0).asText()).matches("user\\d+@example\\.com");
        assertThat(a.path("plan").path("Plan").path("Actual Rows").asLong()).isEqualTo(1);

        Cli.Result human = explain("--query-id", String.valueOf(queryId), "--analyze");
        assertThat(human.out()).contains("Seq Scan on public.customers").contains("Filter: (customers.email = 'user")
                .contains("actual 1 rows").contains("rolled back").contains("CREATE INDEX CONCURRENTLY ON public.customers (email);");
        assertThat(explain("--query-id", "12345", "--json").exitCode()).isEqualTo(2);
    }

    @Test
    void aDeleteIsNeverRunUnlessRolledBack() throws Exception {
        long before = count("SELECT count(*) FROM orders");
        Cli.Result refused = explain("--sql", "DELETE FROM orders WHERE id < 100", "--analyze");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("--allow-writes");
        assertThat(count("SELECT count(*) FROM orders")).isEqualTo(before);

        Cli.Result planOnly = explain("--sql", "DELETE FROM orders WHERE id < 100", "--json");
        assertThat(planOnly.exitCode()).as(planOnly.err()).isIn(0, 1);
        assertThat(count("SELECT count(*) FROM orders")).isEqualTo(before);

        Cli.Result rolledBack = explain("--sql", "DELETE FROM orders WHERE id < 100", "--analyze", "--allow-writes", "--json");
        assertThat(rolledBack.exitCode()).as(rolledBack.err()).isIn(0, 1);
        JsonNode plan = JSON.readTree(rolledBack.out()).path("plan").path("Plan");
        assertThat(plan.path("Node Type").asText()).isEqualTo("ModifyTable");
        assertThat(plan.path("Plans").get(0).path("Actual Rows").asLong()).isEqualTo(99);
        assertThat(count("SELECT count(*) FROM orders")).isEqualTo(before);

        Cli.Result hidden = explain("--sql", "WITH d AS (DELETE FROM orders WHERE id = 5 RETURNING *) SELECT * FROM d", "--analyze");
        assertThat(hidden.exitCode()).isEqualTo(2);
        assertThat(hidden.err()).contains("--allow-writes");
        assertThat(count("SELECT count(*) FROM orders WHERE id = 5")).isEqualTo(1);
    }

    @Test
    void ddlAndSecondStatementsAreRefused() throws Exception {
        Cli.Result ddl = explain("--sql", "DROP TABLE orders");
        assertThat(ddl.exitCode()).isEqualTo(2);
        assertThat(ddl.err()).contains("not DROP");
        Cli.Result two = explain("--sql", "SELECT 1; DROP TABLE orders", "--analyze");
        assertThat(two.exitCode()).isEqualTo(2);
        assertThat(two.err()).contains("only one SQL statement");
        assertThat(count("SELECT count(*) FROM pg_class WHERE relname = 'orders'")).isEqualTo(1);
        assertThat(Cli.run(new ExplainCommand(), Shop.target(Shop.DATABASE)).exitCode()).isEqualTo(2); // neither --sql nor --query-id
    }

    @Test
    void misestimatesAndDiskSortsAreFlaggedWithAnalyze() throws Exception {
        // country and status are correlated: every inactive customer is in DE, so FR + inactive is empty
        Cli.Result r = explain("--sql", "SELECT * FROM customers WHERE country = 'FR' AND status = 'inactive'", "--analyze", "--json");
        assertThat(kinds(JSON.readTree(r.out()))).contains("misestimate");
        Cli.Result sort = explain("--sql", "SELECT * FROM audit_log ORDER BY detail", "--analyze", "--json");
        JsonNode root = JSON.readTree(sort.out());
        assertThat(kinds(root)).contains("disk_sort");
        assertThat(sort.exitCode()).isEqualTo(1);
    }
}

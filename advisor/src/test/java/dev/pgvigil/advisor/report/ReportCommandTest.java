package dev.pgvigil.advisor.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.advisor.testing.Cli;
import dev.pgvigil.advisor.testing.Shop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(Shop.class)
class ReportCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Cli.Result report(String database, String... more) {
        List<String> a = new ArrayList<>(List.of(Shop.target(database)));
        a.addAll(List.of(more));
        return Cli.run(new ReportCommand(), a.toArray(String[]::new));
    }

    static List<String> findings(JsonNode root) {
        return StreamSupport.stream(root.path("findings").spliterator(), false)
                .map(f -> f.path("kind").asText() + " " + f.path("object").asText()).toList();
    }

    static long queryId(String database, String like) throws Exception {
        try (Connection c = Shop.pg().connect(database);
             PreparedStatement ps = c.prepareStatement("SELECT queryid FROM pg_stat_statements WHERE query LIKE ? AND dbid = "
                     + "(SELECT oid FROM pg_database WHERE datname = current_database())")) {
            ps.setString(1, like);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(like).isTrue();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void everyPlantedProblemIsFoundSinceTheReset() throws Exception {
        Cli.Result r = report(Shop.DATABASE, "--json", "--unused-index-days", "0", "--slow-query-ms", "1");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        JsonNode root = JSON.readTree(r.out());
        assertThat(root.path("period").path("interval").asBoolean()).isFalse();
        assertThat(root.path("period").path("description").asText()).startsWith("since ");
        long join = queryId(Shop.DATABASE, "SELECT o.id, o.total_cents, c.email%");
        assertThat(findings(root)).contains(
                "missing_index public.customers",
                "missing_index public.orders",
                "vacuum_overdue public.events",
                "table_bloat public.events",
                "unused_index public.customers_created_at_idx",
                "duplicate_index public.orders_status_idx",
                "slow_query queryid " + join);
        // the rule says a table needs an index; the parsed statements say which: email, never the two-valued status
        JsonNode customers = StreamSupport.stream(root.path("findings").spliterator(), false)
                .filter(f -> f.path("kind").asText().equals("missing_index") && f.path("object").asText().equals("public.customers"))
                .findFirst().orElseThrow();
        assertThat(customers.path("recommendation").asText()).startsWith("CREATE INDEX CONCURRENTLY ON public.customers (email);")
                .doesNotContain("(status)");
        List<String> statements = StreamSupport.stream(customers.path("statements").spliterator(), false).map(JsonNode::asText).toList();
        assertThat(statements).as("the statement to run, as a field").hasSize(1);
        assertThat(statements.get(0)).startsWith("CREATE INDEX CONCURRENTLY ON public.customers (email)");
        assertThat(root.path("findings").findValuesAsText("recommendation")).noneMatch(rec -> rec.contains("customers (status)"));
        // indexes that back constraints or are in use are never called unused
        assertThat(findings(root)).noneMatch(f -> f.startsWith("unused_index") && f.endsWith("_pkey"));
        assertThat(root.path("connections").path("maxConnections").asInt()).isEqualTo(50);
        assertThat(root.path("connections").path("total").asInt()).isPositive();
        JsonNode events = StreamSupport.stream(root.path("tables").spliterator(), false)
                .filter(t -> t.path("table").asText().equals("public.events")).findFirst().orElseThrow();
        assertThat(events.path("deadRows").asLong()).isGreaterThanOrEqualTo(40_000);
        assertThat(events.path("bloatShare").asDouble()).isGreaterThan(0.5);
        assertThat(root.path("statements").get(0).path("calls").asLong()).isPositive();
        // every index, with its scans, size and the marks of the index rules
        Map<String, JsonNode> indexes = StreamSupport.stream(root.path("indexes").spliterator(), false)
                .collect(java.util.stream.Collectors.toMap(i -> i.path("index").asText(), i -> i));
        assertThat(indexes).containsKeys("public.customers_pkey", "public.orders_pkey", "public.events_pkey", "public.audit_log_pkey",
                "public.customers_created_at_idx", "public.orders_status_idx", "public.orders_status_created_idx");
        assertThat(indexes.get("public.customers_created_at_idx").path("marks")).extracting(JsonNode::asText).containsExactly("unused");
        assertThat(indexes.get("public.customers_created_at_idx").path("scans").asLong()).isZero();
        assertThat(indexes.get("public.customers_created_at_idx").path("table").asText()).isEqualTo("public.customers");
        assertThat(indexes.get("public.orders_status_idx").path("marks")).extracting(JsonNode::asText).contains("duplicate");
        assertThat(indexes.get("public.orders_pkey").path("marks")).isEmpty();
        assertThat(indexes.get("public.orders_pkey").path("scans").asLong()).isPositive();
        assertThat(indexes.get("public.orders_pkey").path("sizeBytes").asLong()).isPositive();
        // the findings are in the shared shape, worst first
        JsonNode first = root.path("findings").get(0);
        assertThat(first.fieldNames()).toIterable().containsExactlyInAnyOrder("kind", "severity", "instance", "object", "detail", "recommendation",
                "statements");
        assertThat(first.path("severity").asText()).isEqualTo("CRITICAL");
    }

    @Test
    void judgesWithTheConfigurationsThresholds(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("pgvigil.yaml");
        Files.writeString(config, """
                analyzer:
                  rules:
                    instances:
                      shop-1:
                        dead_rows: {enabled: false}
                        duplicate_index: {enabled: false}
                """);
        Cli.Result r = report(Shop.DATABASE, "--json", "--config", config.toString(), "--instance-id", "shop-1");
        assertThat(r.err()).as("duplicate_index is no thresholded rule").contains("unknown rule 'duplicate_index'");
        assertThat(r.exitCode()).isEqualTo(2);
        Files.writeString(config, "analyzer:\n  rules:\n    instances:\n      shop-1:\n        dead_rows: {enabled: false}\n");
        List<String> own = findings(JSON.readTree(report(Shop.DATABASE, "--json", "--config", config.toString(), "--instance-id", "shop-1").out()));
        assertThat(own).doesNotContain("vacuum_overdue public.events").contains("table_bloat public.events");
        List<String> other = findings(JSON.readTree(report(Shop.DATABASE, "--json", "--config", config.toString(), "--instance-id", "shop-2").out()));
        assertThat(other).contains("vacuum_overdue public.events");
    }

    @Test
    void anIntervalJudgesOnlyWhatHappensInIt() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        Thread scanner = new Thread(() -> {
            try (Connection c = Shop.pg().connect(Shop.DATABASE); Statement s = c.createStatement()) {
                while (running.get()) {
                    s.executeQuery("SELECT count(*) FROM audit_log WHERE actor = 'svc7'").close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        scanner.start();
        Cli.Result r;
        try {
            r = report(Shop.DATABASE, "--json", "--interval", "3s");
        } finally {
            running.set(false);
            scanner.join(30_000);
        }
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        JsonNode root = JSON.readTree(r.out());
        assertThat(root.path("period").path("interval").asBoolean()).isTrue();
        assertThat(root.path("period").path("length").asText()).startsWith("PT3");
        // audit_log is larger than shared_buffers: scanning it over and over misses the cache
        assertThat(findings(root)).contains("low_cache_hit shop");
        assertThat(root.path("database").path("cacheHitRatio").asDouble()).isLessThan(0.5);
        // only the scans of the interval: the email lookups of the workload ran before it
        assertThat(root.path("statements").findValuesAsText("query")).anyMatch(q -> q.contains("audit_log"))
                .noneMatch(q -> q.contains("WHERE email = $1"));
    }

    @Test
    void humanOutputReadsWell() {
        Cli.Result r = report(Shop.DATABASE, "--detailed");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("Health report for 127.0.0.1:" + Shop.pg().port() + "/shop").contains("Covers since")
                .contains("cache hit ratio").contains("Connections:").contains("Statements by total time").contains("Tables by size")
                .contains("public.events").contains("Findings").contains("vacuum_overdue").doesNotContain("\u001B[");
        // the index table: aligned columns, one line per index, the rules' marks at the end
        List<String> indexLines = r.out().lines().dropWhile(l -> !l.startsWith("Indexes by size")).skip(1)
                .takeWhile(l -> !l.isBlank()).toList();
        assertThat(indexLines.get(0)).contains("index", "table", "scans", "size", "marks");
        assertThat(indexLines).anyMatch(l -> l.contains("public.customers_created_at_idx")) // unused only after 7 days of statistics
                .anyMatch(l -> l.contains("public.orders_status_idx") && l.contains("duplicate"));
        int scansEnd = indexLines.get(0).indexOf("scans") + "scans".length();
        assertThat(indexLines.stream().filter(l -> l.contains("public."))).allMatch(l -> l.length() >= scansEnd && Character.isDigit(l.charAt(scansEnd - 1)),
                "scans right-aligned under their header");
    }

    @Test
    void resetStatsNeedsConsentAndResetsOnlyThisDatabase() throws Exception {
        Shop.pg().createDatabase("resetme");
        Shop.pg().execute("resetme", "CREATE EXTENSION pg_stat_statements", "CREATE TABLE x (id int)", "SELECT count(*) FROM x");
        assertThat(count("resetme", "SELECT count(*) FROM pg_stat_statements WHERE query = 'SELECT count(*) FROM x'")).isEqualTo(1);
        assertThat(report("resetme", "--reset-stats").exitCode()).isEqualTo(2); // no terminal to ask at, no --yes
        assertThat(report("resetme", "--yes").exitCode()).isEqualTo(2);
        long shopStatementsBefore = count(Shop.DATABASE, "SELECT count(*) FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'shop')");

        Cli.Result r = report("resetme", "--reset-stats", "--yes");
        assertThat(r.exitCode()).as(r.err()).isIn(0, 1);
        assertThat(r.err()).contains("reset");
        assertThat(count("resetme", "SELECT count(*) FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'resetme')"
                + " AND query = 'SELECT count(*) FROM x'")).as(() -> texts("resetme")).isZero();
        assertThat(count("resetme", "SELECT count(*) FROM pg_stat_database WHERE datname = 'resetme' AND stats_reset > now() - interval '1 minute'"))
                .isEqualTo(1);
        assertThat(count(Shop.DATABASE, "SELECT count(*) FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'shop')"))
                .isGreaterThanOrEqualTo(shopStatementsBefore);
    }

    static String texts(String database) {
        try (Connection c = Shop.pg().connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT string_agg(query, ' | ') FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            rs.next();
            return rs.getString(1);
        } catch (Exception e) {
            return e.toString();
        }
    }

    static long count(String database, String sql) throws Exception {
        try (Connection c = Shop.pg().connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

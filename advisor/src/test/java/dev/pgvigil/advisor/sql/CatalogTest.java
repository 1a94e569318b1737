package dev.pgvigil.advisor.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.advisor.indexes.CandidateBuilder;
import dev.pgvigil.advisor.indexes.IndexCandidate;
import dev.pgvigil.advisor.testing.Shop;
import dev.pgvigil.schema.StatementStat;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The catalog the index advisor compares statements with: index key columns as stored names (the catalogue's
 * reader gives them quote_ident'ed), null for an expression, and partitioned tables' indexes too.
 */
@ExtendWith(Shop.class)
class CatalogTest {
    private static final String DB = "catalog_names";

    @BeforeAll
    static void schema() {
        Shop.pg().createDatabase(DB);
        Shop.pg().execute(DB,
                "CREATE TABLE \"Accounts\" (id int PRIMARY KEY, \"Email\" text, \"order\" int, \"we\"\"ird\" int, plan text)",
                "CREATE INDEX accounts_email ON \"Accounts\" (\"Email\", \"order\")",
                "CREATE INDEX accounts_lower_email ON \"Accounts\" (lower(\"Email\"), plan)",
                "CREATE INDEX accounts_sum ON \"Accounts\" ((\"order\" + 1))",
                "CREATE INDEX accounts_weird ON \"Accounts\" (\"we\"\"ird\") INCLUDE (plan) WHERE plan IS NOT NULL",
                "INSERT INTO \"Accounts\" SELECT i, 'u' || i || '@example.com', i % 5000, i, CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END"
                        + " FROM generate_series(1, 20000) i",
                "ANALYZE \"Accounts\"",
                "CREATE TABLE events (id int, kind text) PARTITION BY LIST (kind)",
                "CREATE INDEX events_kind_id ON events (kind, id)",
                "CREATE TABLE events_a PARTITION OF events FOR VALUES IN ('a')",
                "CREATE TABLE events_b PARTITION OF events FOR VALUES IN ('b')");
    }

    @Test
    void keyColumnsAreStoredNamesAndExpressionsAreNull() throws SQLException {
        try (Connection c = Shop.pg().connect(DB)) {
            Catalog catalog = Catalog.load(c);
            TableInfo accounts = catalog.resolve(null, "\"Accounts\"").orElseThrow();
            Map<String, IndexInfo> indexes = catalog.indexes(accounts.oid()).stream()
                    .collect(Collectors.toMap(IndexInfo::name, Function.identity()));
            assertThat(indexes.get("accounts_email").columns()).containsExactly("Email", "order");
            assertThat(indexes.get("accounts_lower_email").columns()).containsExactly(null, "plan");
            assertThat(indexes.get("accounts_sum").columns()).containsExactly((String) null);
            assertThat(indexes.get("accounts_weird").columns()).containsExactly("we\"ird");
            assertThat(indexes.get("accounts_weird").partial()).isTrue();
            assertThat(indexes.get("accounts_weird").servesPlainLookups()).isFalse();
            assertThat(indexes.get("Accounts_pkey").columns()).containsExactly("id");
            assertThat(indexes.get("Accounts_pkey").unique()).isTrue();
            assertThat(indexes.get("accounts_email").servesPlainLookups()).isTrue();
            // every key column that is a column is one of the table's, as CandidateBuilder compares them
            assertThat(indexes.values().stream().flatMap(i -> i.columns().stream()).filter(java.util.Objects::nonNull))
                    .allMatch(accounts::hasColumn);
        }
    }

    /** The advisor's comparison of statement columns with key columns: a mixed-case column is served, an expression is not. */
    @Test
    void aMixedCaseKeyColumnServesItsLookupAndAnExpressionDoesNot() throws SQLException {
        try (Connection c = Shop.pg().connect(DB)) {
            Catalog catalog = Catalog.load(c);
            StatementParser parser = new StatementParser(catalog);
            CandidateBuilder builder = new CandidateBuilder(catalog, CandidateBuilder.Settings.defaults());
            for (String sql : List.of("SELECT id FROM \"Accounts\" WHERE \"Email\" = $1", "SELECT id FROM \"Accounts\" WHERE \"order\" = $1")) {
                builder.add(statement(sql), parser.parse(sql).orElseThrow());
            }
            // ("order" + 1) and lower("Email") are expressions: they serve neither lookup
            assertThat(builder.candidates()).extracting(IndexCandidate::columns).containsExactly(List.of("order"));
            assertThat(builder.skipped()).singleElement().satisfies(s -> {
                assertThat(s.columns()).containsExactly("Email");
                assertThat(s.reason()).isEqualTo("already served by index accounts_email");
            });
        }
    }

    private static StatementStat statement(String sql) {
        return StatementStat.newBuilder().setQueryId(sql.hashCode()).setUserId(0).setDbId(0).setQuery(sql).setCalls(100)
                .setTotalExecTimeMs(1000).setMeanExecTimeMs(10).setMinExecTimeMs(1).setMaxExecTimeMs(20).setStddevExecTimeMs(1)
                .setRows(100).setSharedBlksHit(0).setSharedBlksRead(0).setSharedBlksDirtied(0).setSharedBlksWritten(0)
                .setTempBlksRead(0).setTempBlksWritten(0).setBlkReadTimeMs(0).setBlkWriteTimeMs(0).build();
    }

    @Test
    void aPartitionedTableHasItsIndexWithTheColumnsOfItsPartitions() throws SQLException {
        try (Connection c = Shop.pg().connect(DB)) {
            Catalog catalog = Catalog.load(c);
            TableInfo events = catalog.resolve(null, "events").orElseThrow();
            assertThat(catalog.indexes(events.oid())).singleElement().satisfies(i -> {
                assertThat(i.name()).isEqualTo("events_kind_id");
                assertThat(i.columns()).containsExactly("kind", "id");
                assertThat(i.servesPlainLookups()).isTrue();
            });
            TableInfo partition = catalog.resolve(null, "events_a").orElseThrow();
            assertThat(catalog.indexes(partition.oid())).extracting(IndexInfo::columns).containsExactly(List.of("kind", "id"));
        }
    }

    @Test
    void theSearchPathAndTheTablesColumnsAreAsStored() throws SQLException {
        try (Connection c = Shop.pg().connect(DB)) {
            Catalog catalog = Catalog.load(c);
            assertThat(catalog.searchPath()).containsExactly("public");
            assertThat(catalog.resolve("public", "\"Accounts\"").orElseThrow().columns())
                    .isEqualTo(Arrays.asList("id", "Email", "order", "we\"ird", "plan"));
            assertThat(catalog.resolve(null, "accounts")).isEmpty(); // unquoted folds to lower case
        }
    }
}

package dev.pgvigil.analyzer;

import static dev.pgvigil.analyzer.AnalyzerDriver.T0;
import static dev.pgvigil.analyzer.Stats.databases;
import static dev.pgvigil.analyzer.Stats.db;
import static dev.pgvigil.analyzer.Stats.index;
import static dev.pgvigil.analyzer.Stats.indexes;
import static dev.pgvigil.analyzer.Stats.ref;
import static dev.pgvigil.analyzer.Stats.statements;
import static dev.pgvigil.analyzer.Stats.table;
import static dev.pgvigil.analyzer.Stats.tables;
import static dev.pgvigil.analyzer.Stats.whole;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.schema.Finding;
import dev.pgvigil.schema.Severity;
import dev.pgvigil.schema.StatementStat;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Findings from the streaming rules: vacuum, missing, unused, duplicate and invalid indexes; deduplicated. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FindingsTopologyTest {
    private AnalyzerDriver a;

    @BeforeAll
    void start() throws Exception {
        a = new AnalyzerDriver("findingsRepeatMinutes: 5");
    }

    @AfterAll
    void stop() throws Exception {
        a.close();
    }

    private static Instant t(int seconds) {
        return T0.plusSeconds(seconds);
    }

    private List<Finding> findings(String instance) {
        return a.findings.readValuesToList().stream().filter(f -> f.getInstance().equals(instance)).toList();
    }

    private void bloated(String i, int at, long dead) {
        a.send(tables(ref(i, "s" + at, t(at)), whole(), table(1, "orders").setNLiveTup(100_000).setNDeadTup(dead).build()));
    }

    @Test
    void vacuumFindingIsPublishedOnceThenAgainAfterTheRepeatTimeOrOnChange() {
        String i = "vacuum";
        bloated(i, 0, 15_000);
        assertThat(findings(i)).singleElement().satisfies(f -> {
            assertThat(f.getKind()).isEqualTo("vacuum_overdue");
            assertThat(f.getSeverity()).isEqualTo(Severity.WARNING);
            assertThat(f.getObject()).isEqualTo("public.orders");
            assertThat(f.getRecommendation()).startsWith("VACUUM (ANALYZE) public.orders;");
            assertThat(f.getStatements()).as("the statements travel as a field").startsWith("VACUUM (ANALYZE) public.orders;").hasSize(2);
            assertThat(f.getObservedAt()).isEqualTo(t(0));
        });
        bloated(i, 10, 15_100);
        bloated(i, 20, 15_200);
        assertThat(findings(i)).as("unchanged: not every interval").isEmpty();
        bloated(i, 30, 40_000);
        assertThat(findings(i)).as("severity changed").singleElement()
                .satisfies(f -> assertThat(f.getSeverity()).isEqualTo(Severity.CRITICAL));
        bloated(i, 330, 40_000);
        assertThat(findings(i)).as("published again after 5 minutes").hasSize(1);
        bloated(i, 340, 100);
        assertThat(findings(i)).isEmpty();
        bloated(i, 350, 40_000);
        assertThat(findings(i)).as("back: published at once").hasSize(1);
    }

    @Test
    void indexFindingsAfterAFullSnapshot() {
        String i = "indexes";
        a.send(databases(ref(i, "s0", t(0)), whole(), db("shop", 5).setStatsReset(T0.minusSeconds(30L * 86400)).build()));
        a.send(indexes(ref(i, "s0", t(0)), whole(),
                index(1, "orders", "orders_pkey", "id").setIsUnique(true).setIsPrimary(true).setBacksConstraint(true).setIdxScan(0).build(),
                index(2, "orders", "orders_customer_idx", "customer_id").build(),
                index(3, "orders", "orders_customer_created_idx", "customer_id", "created_at").build(),
                index(4, "orders", "orders_note_idx", "note").setIdxScan(0).build(),
                index(5, "orders", "orders_code_key", "code").setIsUnique(true).setBacksConstraint(true).setIdxScan(0).build(),
                index(6, "orders", "orders_broken_idx", "status").setIsValid(false).build()));
        List<Finding> f = findings(i);
        assertThat(f).extracting(Finding::getKind, Finding::getObject).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("invalid_index", "public.orders_broken_idx"),
                org.assertj.core.groups.Tuple.tuple("duplicate_index", "public.orders_customer_idx"),
                org.assertj.core.groups.Tuple.tuple("unused_index", "public.orders_note_idx"));
        assertThat(f).filteredOn(x -> x.getKind().equals("unused_index")).singleElement()
                .satisfies(x -> assertThat(x.getRecommendation()).contains("DROP INDEX CONCURRENTLY public.orders_note_idx;"));
    }

    @Test
    void missingIndexNamesTheStatementThatScans() {
        String i = "missing";
        StatementStat scan1 = StatementStat.newBuilder(Stats.uniform(77, 100, 50))
                .setQuery("SELECT * FROM orders WHERE customer_id = $1").build();
        StatementStat scan2 = StatementStat.newBuilder(Stats.uniform(77, 200, 50))
                .setQuery("SELECT * FROM orders WHERE customer_id = $1").build();
        a.send(statements(ref(i, "s0", t(0)), whole(), scan1));
        a.send(tables(ref(i, "s0", t(0)), whole(), table(1, "orders").setSeqScan(100).setSeqTupRead(100L * 100_000).build()));
        a.send(statements(ref(i, "s1", t(10)), whole(), scan2));
        a.send(tables(ref(i, "s1", t(10)), whole(), table(1, "orders").setSeqScan(200).setSeqTupRead(200L * 100_000).build()));
        assertThat(findings(i)).singleElement().satisfies(f -> {
            assertThat(f.getKind()).isEqualTo("missing_index");
            assertThat(f.getDetail()).contains("Statement 77", "customer_id = $1");
            assertThat(f.getRecommendation()).startsWith("CREATE INDEX CONCURRENTLY ON public.orders (customer_id);");
        });
    }
}

package dev.pgvigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableRulesTest {
    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    private final Threshold dead = Rule.DEAD_ROWS.defaults(); // > 10 %, > 20 %, 10,000 rows

    @Test
    void deadRowsLevelsAndExactThreshold() {
        assertThat(DeadRowsRule.evaluate(90_000, 10_000, dead, "public.t").firing()).isFalse(); // exactly 10 %
        assertThat(DeadRowsRule.evaluate(85_000, 15_000, dead, "public.t").severity()).isEqualTo(Severity.WARNING);
        assertThat(DeadRowsRule.evaluate(50_000, 50_000, dead, "public.t").severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void deadShareIsOfAllRowsAndZeroForAnEmptyTable() {
        assertThat(DeadRowsRule.share(75, 25)).isEqualTo(0.25);
        assertThat(DeadRowsRule.share(0, 0)).isZero();
        assertThat(DeadRowsRule.share(-1, 10)).as("a negative estimate counts as none").isEqualTo(1.0);
        assertThat(DeadRowsRule.evaluate(85_000, 15_000, dead, "public.t").value()).isEqualTo(DeadRowsRule.share(85_000, 15_000));
    }

    @Test
    void smallTableIsNoEvidence() {
        Decision d = DeadRowsRule.evaluate(10, 900, dead, "public.tiny");
        assertThat(d.firing()).isFalse();
        assertThat(d.evidence()).isFalse();
    }

    @Test
    void vacuumFindingHasBloatEstimateAgeAndQuotedSql() {
        TableInfo t = new TableInfo("public", "Order Items", 60_000, 40_000, 100L << 20, null,
                NOW.minusSeconds(3 * 86400), List.of());
        Finding f = VacuumRule.evaluate("i1", t, NOW, dead).orElseThrow();
        assertThat(f.kind()).isEqualTo(FindingKind.VACUUM_OVERDUE);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.detail()).contains("40,000 dead rows", "40.0 %", "40 MiB", "100 MiB", "last vacuumed 3 d 0 h ago");
        assertThat(f.recommendation()).startsWith("VACUUM (ANALYZE) public.\"Order Items\";");
        assertThat(f.statements()).containsExactly("VACUUM (ANALYZE) public.\"Order Items\";",
                "ALTER TABLE public.\"Order Items\" SET (autovacuum_vacuum_scale_factor = 0.05);");
        assertThat(VacuumRule.estimatedBloatBytes(t)).isEqualTo(40L << 20);
    }

    @Test
    void vacuumFindingPointsAtDisabledAutovacuum() {
        TableInfo t = new TableInfo("app", "events", 10_000, 90_000, 1 << 20, null, null, List.of("autovacuum_enabled=false"));
        Finding f = VacuumRule.evaluate("i1", t, NOW, dead).orElseThrow();
        assertThat(f.detail()).contains("never vacuumed", "autovacuum is disabled");
        assertThat(f.recommendation()).contains("RESET (autovacuum_enabled)");
    }

    @Test
    void noVacuumFindingForAHealthyTable() {
        TableInfo t = new TableInfo("app", "events", 100_000, 100, 1 << 20, NOW, null, List.of());
        assertThat(VacuumRule.evaluate("i1", t, NOW, dead)).isEmpty();
    }

    @Test
    void lastAnyVacuumIsTheLaterOfBoth() {
        Instant a = NOW.minusSeconds(100), b = NOW.minusSeconds(50);
        assertThat(new TableInfo("s", "t", 0, 0, 0, a, b, null).lastAnyVacuum()).isEqualTo(b);
        assertThat(new TableInfo("s", "t", 0, 0, 0, b, a, null).lastAnyVacuum()).isEqualTo(b);
        assertThat(new TableInfo("s", "t", 0, 0, 0, null, null, null).lastAnyVacuum()).isNull();
    }

    @Test
    void missingIndexNamesTheStatementAndItsFilterColumn() {
        var scans = new MissingIndexRule.TableScans("public", "orders", 500, 500L * 200_000, 3, 200_000);
        var statements = List.of(
                new MissingIndexRule.StatementInfo(11, "SELECT * FROM orders WHERE customer_id = $1", 500, 90_000),
                new MissingIndexRule.StatementInfo(12, "SELECT * FROM customers WHERE id = $1", 900, 50),
                new MissingIndexRule.StatementInfo(13, "SELECT * FROM orders_archive WHERE id = $1", 900, 5000));
        Finding f = MissingIndexRule.evaluate("i1", scans, statements, Rule.MISSING_INDEX.defaults()).orElseThrow();
        assertThat(f.kind()).isEqualTo(FindingKind.MISSING_INDEX);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.detail()).contains("500 sequential scans", "200,000 rows each", "Statement 11").doesNotContain("Statement 12", "Statement 13");
        assertThat(f.recommendation()).startsWith("CREATE INDEX CONCURRENTLY ON public.orders (customer_id);");
        assertThat(f.statements()).as("the statement to run, not the EXPLAIN of a statement named in words")
                .containsExactly("CREATE INDEX CONCURRENTLY ON public.orders (customer_id);");
    }

    @Test
    void missingIndexNeedsEnoughScansAndRows() {
        var few = new MissingIndexRule.TableScans("public", "orders", 5, 5L * 200_000, 0, 200_000);
        assertThat(MissingIndexRule.evaluate("i1", few, List.of(), Rule.MISSING_INDEX.defaults())).isEmpty();
        var small = new MissingIndexRule.TableScans("public", "codes", 10_000, 10_000L * 50, 0, 50);
        assertThat(MissingIndexRule.evaluate("i1", small, List.of(), Rule.MISSING_INDEX.defaults())).isEmpty();
        var none = new MissingIndexRule.TableScans("public", "codes", 0, 0, 0, 50);
        assertThat(MissingIndexRule.evaluate("i1", none, List.of(), Rule.MISSING_INDEX.defaults())).isEmpty();
    }

    @Test
    void missingIndexWithoutKnownStatementsStillAdvises() {
        var scans = new MissingIndexRule.TableScans("public", "orders", 50, 50L * 20_000, 0, 20_000);
        Finding f = MissingIndexRule.evaluate("i1", scans, List.of(), Rule.MISSING_INDEX.defaults()).orElseThrow();
        assertThat(f.recommendation()).contains("<columns the statements filter on>");
    }

    @Test
    void filterColumnsAreThoseComparedWithParameters() {
        assertThat(MissingIndexRule.filterColumns("select * from t where a = $1 and t.b > $2 and c is null and d in ($3, $4)"))
                .containsExactly("a", "b", "d");
        assertThat(MissingIndexRule.filterColumns("select count(*) from t")).isEmpty();
    }
}

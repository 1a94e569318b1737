package dev.pgvigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexRulesTest {
    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    private static final Instant MONTH_AGO = NOW.minusSeconds(30 * 86400);
    private final Threshold unused = Rule.UNUSED_INDEX.defaults(); // 0 scans, 7 days of stats

    private static IndexInfo idx(String name, List<String> cols, boolean unique, boolean constraint, long scans) {
        return new IndexInfo("public", "orders", name, cols, "btree", null, unique, false, true, constraint, 8192 * 100, scans, "");
    }

    @Test
    void unusedIndexWithOldEnoughStats() {
        Finding f = UnusedIndexRule.evaluate("i1", idx("orders_note_idx", List.of("note"), false, false, 0), MONTH_AGO, NOW, unused).orElseThrow();
        assertThat(f.kind()).isEqualTo(FindingKind.UNUSED_INDEX);
        assertThat(f.object()).isEqualTo("public.orders_note_idx");
        assertThat(f.recommendation()).contains("DROP INDEX CONCURRENTLY public.orders_note_idx;");
    }

    @Test
    void usedUniqueConstraintOrYoungStatsAreNotUnused() {
        assertThat(UnusedIndexRule.evaluate("i1", idx("a", List.of("a"), false, false, 1), MONTH_AGO, NOW, unused)).isEmpty();
        assertThat(UnusedIndexRule.evaluate("i1", idx("a", List.of("a"), true, false, 0), MONTH_AGO, NOW, unused)).isEmpty();
        assertThat(UnusedIndexRule.evaluate("i1", idx("a", List.of("a"), false, true, 0), MONTH_AGO, NOW, unused)).isEmpty();
        assertThat(UnusedIndexRule.evaluate("i1", idx("a", List.of("a"), false, false, 0), NOW.minusSeconds(6 * 86400), NOW, unused)).isEmpty();
        assertThat(UnusedIndexRule.evaluate("i1", idx("a", List.of("a"), false, false, 0), null, NOW, unused)).isEmpty();
        // exactly the minimum age of statistics is enough
        assertThat(UnusedIndexRule.evaluate("i1", idx("a", List.of("a"), false, false, 0), NOW.minusSeconds(7 * 86400), NOW, unused)).isPresent();
    }

    @Test
    void prefixIndexIsDuplicateOfTheLongerOne() {
        List<Finding> f = DuplicateIndexRule.evaluate("i1", List.of(
                idx("orders_customer_idx", List.of("customer_id"), false, false, 5),
                idx("orders_customer_created_idx", List.of("customer_id", "created_at"), false, false, 5),
                idx("orders_created_idx", List.of("created_at"), false, false, 5)));
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.object()).isEqualTo("public.orders_customer_idx");
            assertThat(x.detail()).contains("covered by public.orders_customer_created_idx");
            assertThat(x.recommendation()).isEqualTo("DROP INDEX CONCURRENTLY public.orders_customer_idx;");
        });
    }

    @Test
    void uniqueIndexIsNeverDroppedForANonUniqueOne() {
        assertThat(DuplicateIndexRule.evaluate("i1", List.of(
                idx("u", List.of("a"), true, false, 5),
                idx("wide", List.of("a", "b"), false, false, 5)))).isEmpty();
        // identical columns: the non-unique one goes, whatever the names
        assertThat(DuplicateIndexRule.evaluate("i1", List.of(
                idx("a_unique", List.of("a"), true, false, 5),
                idx("z_plain", List.of("a"), false, false, 5)))).singleElement()
                .satisfies(x -> assertThat(x.object()).isEqualTo("public.z_plain"));
        assertThat(DuplicateIndexRule.evaluate("i1", List.of(
                idx("z_unique", List.of("a"), true, false, 5),
                idx("a_plain", List.of("a"), false, false, 5)))).singleElement()
                .satisfies(x -> assertThat(x.object()).isEqualTo("public.a_plain"));
    }

    @Test
    void identicalIndexesAreReportedOnceAndTheConstraintOneIsKept() {
        assertThat(DuplicateIndexRule.evaluate("i1", List.of(
                idx("b_idx", List.of("a"), false, false, 5),
                idx("a_idx", List.of("a"), false, false, 5)))).singleElement()
                .satisfies(x -> assertThat(x.object()).isEqualTo("public.b_idx"));
        assertThat(DuplicateIndexRule.evaluate("i1", List.of(
                idx("a_pkey", List.of("a"), true, true, 5),
                idx("a_uniq", List.of("a"), true, false, 5)))).singleElement()
                .satisfies(x -> assertThat(x.object()).isEqualTo("public.a_uniq"));
    }

    @Test
    void differentPredicateMethodOrTableIsNoDuplicate() {
        IndexInfo partial = new IndexInfo("public", "orders", "p", List.of("a"), "btree", "(shipped = false)", false, false, true, false, 1, 0, "");
        IndexInfo full = idx("f", List.of("a", "b"), false, false, 5);
        IndexInfo hash = new IndexInfo("public", "orders", "h", List.of("a"), "hash", null, false, false, true, false, 1, 0, "");
        IndexInfo otherTable = new IndexInfo("public", "items", "o", List.of("a", "b"), "btree", null, false, false, true, false, 1, 0, "");
        assertThat(DuplicateIndexRule.evaluate("i1", List.of(partial, full, hash, otherTable, idx("x", List.of("a"), false, true, 1)))).isEmpty();
        // a hash index is not served by a prefix, only by an identical hash index
        IndexInfo hash2 = new IndexInfo("public", "orders", "h2", List.of("a"), "hash", null, false, false, true, false, 1, 0, "");
        assertThat(DuplicateIndexRule.evaluate("i1", List.of(hash, hash2))).hasSize(1);
    }

    @Test
    void invalidIndexFinding() {
        IndexInfo bad = new IndexInfo("app", "Orders", "bad idx", List.of("a"), "btree", null, false, false, false, false, 1, 0, "");
        Finding f = InvalidIndexRule.evaluate("i1", bad).orElseThrow();
        assertThat(f.kind()).isEqualTo(FindingKind.INVALID_INDEX);
        assertThat(f.recommendation()).contains("REINDEX INDEX CONCURRENTLY app.\"bad idx\";");
        assertThat(f.statements()).containsExactly("REINDEX INDEX CONCURRENTLY app.\"bad idx\";", "DROP INDEX CONCURRENTLY app.\"bad idx\";");
        assertThat(InvalidIndexRule.evaluate("i1", idx("ok", List.of("a"), false, false, 0))).isEmpty();
    }
}

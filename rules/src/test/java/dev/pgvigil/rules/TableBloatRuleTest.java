package dev.pgvigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableBloatRuleTest {
    static final Threshold T = Rule.TABLE_BLOAT.defaults();

    @Test
    void expectedSizeFollowsThePageLayout() {
        // 100-byte rows: header 24 + data 104 = 128 bytes + 4 pointer = 132; (8192-24)/132 = 61 rows per page
        assertThat(TableBloatRule.expectedHeapBytes(6100, 100, 3, false, 8192, 100)).isEqualTo(100L * 8192);
        // fillfactor 50 halves the rows per page (30), so twice the pages, rounded up
        assertThat(TableBloatRule.expectedHeapBytes(6100, 100, 3, false, 8192, 50)).isEqualTo(204L * 8192);
        // a null bitmap for 9 columns pushes the header from 23 to 25 bytes, still 24+8 aligned = 32
        assertThat(TableBloatRule.expectedHeapBytes(1, 100, 9, true, 8192, 100)).isEqualTo(8192);
        assertThat(TableBloatRule.expectedHeapBytes(0, 100, 3, false, 8192, 100)).isZero();
    }

    @Test
    void wastedShareIsOfTheHeapAndNeverNegative() {
        assertThat(TableBloatRule.wastedBytes(400, 100)).isEqualTo(300);
        assertThat(TableBloatRule.wastedShare(400, 100)).isEqualTo(0.75);
        assertThat(TableBloatRule.wastedBytes(100, 400)).as("a heap smaller than the estimate wastes nothing").isZero();
        assertThat(TableBloatRule.wastedShare(100, 400)).isZero();
        assertThat(TableBloatRule.wastedShare(0, 0)).isZero();
    }

    @Test
    void firesOnWastedShareAboveTheLevelsOfLargeEnoughHeaps() {
        long mb = 1024 * 1024;
        assertThat(TableBloatRule.evaluate("db1", "public", "events", 20_000, 40 * mb, 10 * mb, T))
                .hasValueSatisfying(f -> {
                    assertThat(f.kind()).isEqualTo(FindingKind.TABLE_BLOAT);
                    assertThat(f.severity()).isEqualTo(Severity.CRITICAL); // 75 % wasted
                    assertThat(f.object()).isEqualTo("public.events");
                    assertThat(f.recommendation()).contains("pg_repack --table=public.events").contains("VACUUM FULL public.events;");
                });
        assertThat(TableBloatRule.evaluate("db1", "public", "events", 20_000, 40 * mb, 24 * mb, T))
                .hasValueSatisfying(f -> assertThat(f.severity()).isEqualTo(Severity.WARNING)); // 40 %
        assertThat(TableBloatRule.evaluate("db1", "public", "events", 20_000, 40 * mb, 32 * mb, T)).isEmpty(); // 20 %
        // a small heap is not worth a rewrite, whatever its share
        assertThat(TableBloatRule.evaluate("db1", "public", "tiny", 10, 4 * mb, mb / 8, T)).isEmpty();
    }
}

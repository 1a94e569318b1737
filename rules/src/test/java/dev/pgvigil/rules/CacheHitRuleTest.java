package dev.pgvigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CacheHitRuleTest {
    private final Threshold t = Rule.CACHE_HIT_RATIO.defaults(); // < 80 % warning, < 50 % critical, 1000 reads

    @Test
    void ratioOfHitsToAllBlockReadsIsNaNWithoutReads() {
        assertThat(CacheHitRule.ratio(90, 10)).isEqualTo(0.9);
        assertThat(CacheHitRule.ratio(0, 0)).isNaN();
    }

    @Test
    void healthyRatioDoesNotFire() {
        Decision d = CacheHitRule.evaluate(9_900, 100, t, "database shop");
        assertThat(d.firing()).isFalse();
        assertThat(d.evidence()).isTrue();
        assertThat(d.value()).isEqualTo(0.99);
    }

    @Test
    void lowRatioWarnsAndVeryLowIsCritical() {
        Decision warn = CacheHitRule.evaluate(7_000, 3_000, t, "database shop");
        assertThat(warn.severity()).isEqualTo(Severity.WARNING);
        assertThat(warn.threshold()).isEqualTo(0.80);
        assertThat(warn.message()).contains("database shop", "70.0 %", "below 80.0 %");

        Decision crit = CacheHitRule.evaluate(2_000, 8_000, t, "database shop");
        assertThat(crit.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(crit.threshold()).isEqualTo(0.50);
    }

    @Test
    void exactlyAtTheThresholdDoesNotFire() {
        assertThat(CacheHitRule.evaluate(8_000, 2_000, t, "db").firing()).isFalse();
        assertThat(CacheHitRule.evaluate(5_000, 5_000, t, "db").severity()).isEqualTo(Severity.WARNING);
    }

    @Test
    void aFewBlockReadsAreNoEvidence() {
        Decision d = CacheHitRule.evaluate(0, 3, t, "db");
        assertThat(d.firing()).isFalse();
        assertThat(d.evidence()).isFalse();
        assertThat(d.message()).contains("3 block reads", "need 1,000");
        assertThat(CacheHitRule.evaluate(0, 0, t, "db").evidence()).isFalse();
        assertThat(CacheHitRule.evaluate(0, 1_000, t, "db").severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void findingOnlyWhenFiring() {
        assertThat(CacheHitRule.finding("i1", "shop", CacheHitRule.evaluate(9_990, 10, t, "db"))).isEmpty();
        Finding f = CacheHitRule.finding("i1", "shop", CacheHitRule.evaluate(100, 9_900, t, "db")).orElseThrow();
        assertThat(f.kind()).isEqualTo(FindingKind.LOW_CACHE_HIT);
        assertThat(f.recommendation()).contains("pg_stat_statements", "shared_buffers");
    }
}

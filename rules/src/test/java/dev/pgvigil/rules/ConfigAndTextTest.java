package dev.pgvigil.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigAndTextTest {
    @Test
    void defaultsAreDesignTable() {
        RuleThresholds d = RuleThresholds.defaults();
        assertThat(d.get(Rule.CACHE_HIT_RATIO)).extracting(Threshold::warning, Threshold::critical).containsExactly(0.80, 0.50);
        assertThat(d.get(Rule.STATEMENT_MEAN_TIME)).extracting(Threshold::warning, Threshold::critical).containsExactly(100.0, 500.0);
        assertThat(d.get(Rule.DEAD_ROWS)).extracting(Threshold::warning, Threshold::critical).containsExactly(0.10, 0.20);
        assertThat(d.get(Rule.CONNECTIONS_USED)).extracting(Threshold::warning, Threshold::critical).containsExactly(0.80, 0.95);
    }

    @Test
    void layersApplyKeyByKeyAndPerInstance() {
        RulesConfig c = new RulesConfig(
                Map.of("cache_hit_ratio", new ThresholdSpec(null, 0.9, null, 3, null)),
                Map.of("billing", Map.of("cache_hit_ratio", new ThresholdSpec(null, null, 0.7, null, 10.0),
                        "unused_index", new ThresholdSpec(false, null, null, null, null))));
        Threshold other = c.forInstance("web").get(Rule.CACHE_HIT_RATIO);
        assertThat(other).isEqualTo(new Threshold(true, 0.9, 0.5, 3, 1000));
        Threshold billing = c.forInstance("billing").get(Rule.CACHE_HIT_RATIO);
        assertThat(billing).isEqualTo(new Threshold(true, 0.9, 0.7, 3, 10));
        assertThat(c.forInstance("billing").get(Rule.UNUSED_INDEX).enabled()).isFalse();
        assertThat(c.forInstance("web").get(Rule.UNUSED_INDEX).enabled()).isTrue();
    }

    @Test
    void disabledRuleNeverFires() {
        Threshold off = Rule.CACHE_HIT_RATIO.defaults().with(new ThresholdSpec(false, null, null, null, null));
        assertThat(CacheHitRule.evaluate(0, 100_000, off, "db").firing()).isFalse();
    }

    @Test
    void badConfigurationSaysWhatAndWhere() {
        assertThatThrownBy(() -> new RulesConfig(Map.of("cache_hits", ThresholdSpec.levels(0.9, 0.5)), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("thresholds: unknown rule 'cache_hits'")
                .hasMessageContaining("cache_hit_ratio");
        assertThatThrownBy(() -> new RulesConfig(Map.of("cache_hit_ratio", ThresholdSpec.levels(0.5, 0.9)), null))
                .hasMessageContaining("cache_hit_ratio: critical (0.9) must not be above warning (0.5)");
        assertThatThrownBy(() -> new RulesConfig(null, Map.of("db1", Map.of("dead_rows", ThresholdSpec.levels(0.3, 0.2)))))
                .hasMessageContaining("instances.db1.dead_rows: critical");
        assertThatThrownBy(() -> new ThresholdSpec(null, null, null, 0, null)).hasMessageContaining("forIntervals must be at least 1");
    }

    @Test
    void everyRuleCarriesItsOwnAdvice() {
        for (Rule r : Rule.values()) {
            assertThat(r.advice()).as(r.wireName()).isNotBlank().isNotEqualTo(Rule.GENERIC_ADVICE);
            assertThat(Rule.adviceFor(r.wireName())).isEqualTo(r.advice());
        }
        assertThat(Rule.adviceFor("cache_hit_ratio")).contains("shared_buffers");
        assertThat(Rule.adviceFor("disk_full")).isEqualTo(Rule.GENERIC_ADVICE);
        assertThat(Rule.find("disk_full")).isEmpty();
        assertThat(Rule.find("dead_rows")).contains(Rule.DEAD_ROWS);
    }

    @Test
    void identifiersAreQuotedOnlyWhenNeeded() {
        assertThat(Sql.quoteIdent("orders")).isEqualTo("orders");
        assertThat(Sql.quoteIdent("Orders")).isEqualTo("\"Orders\"");
        assertThat(Sql.quoteIdent("order")).isEqualTo("\"order\"");
        assertThat(Sql.quoteIdent("a\"b; DROP TABLE x")).isEqualTo("\"a\"\"b; DROP TABLE x\"");
        assertThat(Sql.qualified("public", "user")).isEqualTo("public.\"user\"");
        assertThat(Sql.quoteIdent("_t1$")).isEqualTo("_t1$");
        assertThat(Sql.quoteIdent("1abc")).isEqualTo("\"1abc\"");
    }

    @Test
    void fingerprintIsStableAndSeparatesParts() {
        assertThat(Fingerprint.of("dead_rows", "i1", "public.t")).isEqualTo(Fingerprint.of("dead_rows", "i1", "public.t")).hasSize(16);
        assertThat(Fingerprint.of("ab", "c", "x")).isNotEqualTo(Fingerprint.of("a", "bc", "x"));
        assertThat(Fingerprint.of("dead_rows", "i1", "public.t")).isNotEqualTo(Fingerprint.of("dead_rows", "i2", "public.t"));
    }

    @Test
    void valuesReadInTheirUnits() {
        assertThat(Unit.RATIO.format(0.4567)).isEqualTo("45.7 %");
        assertThat(Unit.MILLISECONDS.format(150.2)).isEqualTo("150 ms");
        assertThat(Unit.SECONDS.format(400)).isEqualTo("6 min 40 s");
        assertThat(Unit.FACTOR.format(2.5)).isEqualTo("2.5x");
        assertThat(Unit.INTERVALS.format(3)).isEqualTo("3 intervals");
        assertThat(Unit.ROWS_PER_SCAN.format(12_345.4)).isEqualTo("12,345 rows per scan");
        assertThat(Text.abbreviate("select\n  *   from t", 100)).isEqualTo("select * from t");
        assertThat(Text.abbreviate("abcdef", 4)).isEqualTo("abc…");
    }
}

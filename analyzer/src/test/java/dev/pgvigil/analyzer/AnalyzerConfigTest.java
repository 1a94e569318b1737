package dev.pgvigil.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvigil.common.config.ConfigException;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.rules.Rule;
import dev.pgvigil.rules.Threshold;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AnalyzerConfigTest {
    private static AnalyzerConfig parse(String yaml) {
        return ConfigFile.parse("pgvigil.yaml", yaml).section("analyzer", AnalyzerConfig.class);
    }

    @Test
    void defaultsWhenTheSectionIsAbsent() {
        AnalyzerConfig c = parse("kafka: {bootstrapServers: 'localhost:9092'}\n");
        assertThat(c.applicationId()).isEqualTo("pgvigil-analyzer");
        assertThat(c.rules().forInstance("any").get(Rule.CACHE_HIT_RATIO)).isEqualTo(Rule.CACHE_HIT_RATIO.defaults());
        assertThat(c.rollsUp("database.tps")).isTrue();
        assertThat(c.rollsUp("statement.p95_time_ms")).isFalse();
        assertThat(c.stateBuckets()).isEqualTo(16);
        assertThat(c.entityMetrics()).isTrue();
        assertThat(c.stateCacheEntries()).isEqualTo(4096);
    }

    @Test
    void rulesBindWithPerInstanceOverrides() {
        AnalyzerConfig c = parse("""
                analyzer:
                  applicationId: analyzer-eu
                  stateDir: /var/lib/pgvigil/analyzer
                  rules:
                    thresholds:
                      statement_mean_time: { warning: 250, critical: 1000, forIntervals: 3, minEvidence: 20 }
                    instances:
                      billing:
                        statement_mean_time: { warning: 50 }
                        unused_index: { enabled: false }
                  rollupMetrics: [instance.*, statement.p95_time_ms]
                  diskSizeBytes: { billing: 536870912000 }
                  entityMetrics: false
                  stateCacheEntries: 16384
                  streams: { num.stream.threads: "2" }
                """);
        assertThat(c.stateCacheEntries()).isEqualTo(16_384);
        assertThat(c.stateDir()).isEqualTo(Path.of("/var/lib/pgvigil/analyzer"));
        assertThat(c.rules().forInstance("web").get(Rule.STATEMENT_MEAN_TIME)).isEqualTo(new Threshold(true, 250, 1000, 3, 20));
        assertThat(c.rules().forInstance("billing").get(Rule.STATEMENT_MEAN_TIME)).isEqualTo(new Threshold(true, 50, 1000, 3, 20));
        assertThat(c.rules().forInstance("billing").get(Rule.UNUSED_INDEX).enabled()).isFalse();
        assertThat(c.rollsUp("statement.p95_time_ms")).isTrue();
        assertThat(c.rollsUp("database.tps")).isFalse();
        assertThat(c.diskSizeBytes()).containsEntry("billing", 536_870_912_000L);
        assertThat(c.entityMetrics()).isFalse();
        Properties p = Analyzer.streamsProperties(KafkaSettings.of("localhost:9092"), c);
        assertThat(p).containsEntry("processing.guarantee", "exactly_once_v2").containsEntry("application.id", "analyzer-eu")
                .containsEntry("num.stream.threads", "2").containsEntry("bootstrap.servers", "localhost:9092");
    }

    @Test
    void mistakesNameTheFileLineAndKey() {
        assertThatThrownBy(() -> parse("""
                analyzer:
                  rules:
                    thresholds:
                      cache_hit: { warning: 0.9 }
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("pgvigil.yaml:").hasMessageContaining("analyzer.rules")
                .hasMessageContaining("unknown rule 'cache_hit'");
        assertThatThrownBy(() -> parse("""
                analyzer:
                  rules:
                    thresholds:
                      dead_rows: { warning: 0.3, critical: 0.2 }
                """)).hasMessageContaining("dead_rows: critical (0.2) must not be below warning (0.3)");
        assertThatThrownBy(() -> parse("""
                analyzer:
                  baselineDays: 0
                """)).hasMessageContaining("pgvigil.yaml:2").hasMessageContaining("baselineDays must be between 1 and 90");
        assertThatThrownBy(() -> parse("""
                analyzer:
                  stateCacheEntries: 10
                """)).hasMessageContaining("pgvigil.yaml:2").hasMessageContaining("stateCacheEntries must be between 256 and 10000000");
        assertThatThrownBy(() -> parse("""
                analyzer:
                  rules:
                    thresholds:
                      dead_rows: { warn: 0.3 }
                """)).hasMessageContaining("pgvigil.yaml:4").hasMessageContaining("unknown key 'warn'");
    }
}

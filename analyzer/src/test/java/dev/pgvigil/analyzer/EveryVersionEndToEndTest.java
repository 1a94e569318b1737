package dev.pgvigil.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.collector.Collector;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.embedded.PostgresMatrix;
import dev.pgvigil.schema.MetricBatch;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Snapshots of every supported PostgreSQL version through the real broker and the analyzer to metrics
 * on pgvigil.metrics: one broker, one collector with a target per version and one analyzer for them all.
 */
class EveryVersionEndToEndTest {
    @TempDir
    static Path work; // static, so JUnit sets it before @BeforeAll
    static EmbeddedKafka kafka;
    static final PostgresMatrix clusters = new PostgresMatrix(LocalPostgres.Options.defaults(),
            pg -> pg.execute("postgres", "CREATE EXTENSION pg_stat_statements"));
    static Analyzer analyzer;
    static Collector collector;
    static TopicReader<MetricBatch> metrics;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.startTemporary();
        StringBuilder targets = new StringBuilder();
        for (int major : PostgresMatrix.MAJORS) {
            LocalPostgres pg = clusters.cluster(major);
            Path pw = Files.writeString(work.resolve("pw" + major), pg.superuserPassword());
            targets.append("""
                        - id: pg%d
                          url: %s
                          user: postgres
                          passwordFile: %s
                    """.formatted(major, pg.jdbcUrl("postgres"), pw));
        }
        ConfigFile file = ConfigFile.parse("versions.yaml", """
                kafka:
                  bootstrapServers: %s
                  partitions: 2
                collector:
                  intervalSeconds: 2
                  fullSnapshotEvery: 1
                  targets:
                %s
                analyzer:
                  applicationId: analyzer-versions
                  stateDir: %s
                """.formatted(kafka.bootstrapServers(), targets, work.resolve("state")));
        KafkaSettings kafkaSettings = file.section("kafka", KafkaSettings.class);
        analyzer = Analyzer.start(kafkaSettings, file.section("analyzer", AnalyzerConfig.class));
        assertThat(analyzer.awaitRunning(Duration.ofSeconds(60))).isTrue();
        collector = new Collector(file.section("collector", CollectorConfig.class), kafkaSettings);
        collector.start();
        metrics = new TopicReader<>(kafka.bootstrapServers(), Topics.METRICS, Serdes.metrics());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {metrics, collector, analyzer, clusters, kafka}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("dev.pgvigil.embedded.PostgresMatrix#majors")
    void snapshotsBecomeMetrics(int major) {
        // the size is read from one snapshot, the commit rate from the deltas of two
        Predicate<MetricBatch> sizeOfPostgres = b -> b.getInstanceId().equals("pg" + major) && b.getPoints().stream()
                .anyMatch(p -> p.getName().equals("database.size_bytes") && "postgres".equals(p.getLabels().get("database")) && p.getValue() > 0);
        Predicate<MetricBatch> commitRate = b -> b.getInstanceId().equals("pg" + major) && b.getPoints().stream()
                .anyMatch(p -> p.getName().equals("database.commits_per_s") && "postgres".equals(p.getLabels().get("database")));
        metrics.awaitUntil(bs -> bs.stream().anyMatch(sizeOfPostgres) && bs.stream().anyMatch(commitRate), Duration.ofSeconds(60),
                "the database size and commit rate metrics of PostgreSQL " + major);
    }
}

package dev.pgvigil.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.catalogue.read.ClusterStatements;
import dev.pgvigil.collector.Collector;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.schema.Finding;
import dev.pgvigil.schema.Severity;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.StatementsChunk;
import dev.pgvigil.schema.Violation;
import dev.pgvigil.schema.ViolationState;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real chain: a PostgreSQL cluster with planted problems (a table full of dead rows, a slow
 * statement, a table too big for a tiny shared_buffers scanned without an index), the collector
 * publishing its snapshots to a KRaft broker, and the analyzer topology. The violations and findings
 * arrive; then the problems are fixed and the violations resolve, each exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalyzerEndToEndTest {
    private static final String INSTANCE = "e2e-shop";
    private EmbeddedKafka kafka;
    private LocalPostgres pg;
    @TempDir
    static Path work; // static, so JUnit sets it before @BeforeAll; removed after the class
    private final List<Thread> load = new ArrayList<>();
    private final AtomicBoolean slow = new AtomicBoolean(true);
    private final AtomicBoolean scans = new AtomicBoolean(true);
    private final AtomicBoolean running = new AtomicBoolean(true);

    @BeforeAll
    void start() throws Exception {
        kafka = EmbeddedKafka.startTemporary();
        pg = LocalPostgres.start(new LocalPostgres.Options(List.of("shared_buffers=1MB", "autovacuum=off")));
        pg.createDatabase("shop");
        pg.execute("shop",
                "CREATE EXTENSION pg_stat_statements",
                "CREATE TABLE bloated (id int PRIMARY KEY, payload text) WITH (autovacuum_enabled = false)",
                "INSERT INTO bloated SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g",
                "DELETE FROM bloated WHERE id <= 12000",
                "CREATE TABLE big (id int, k int, payload text)",
                "INSERT INTO big SELECT g, g % 1000, repeat('y', 200) FROM generate_series(1, 40000) g",
                "ANALYZE big");
        pg.execute("postgres", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        Files.writeString(work.resolve("pw"), pg.superuserPassword());
        load.add(loop("slow statement", c -> {
            try (Statement s = c.createStatement()) {
                if (slow.get()) {
                    s.execute("SELECT pg_sleep(0.2)");
                } else {
                    Thread.sleep(100);
                }
            }
        }));
        load.add(loop("sequential scans", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM big WHERE k = ?")) {
                if (scans.get()) {
                    s.setInt(1, ThreadLocalRandom.current().nextInt(1000));
                    s.executeQuery().close();
                } else {
                    Thread.sleep(100);
                }
            }
        }));
    }

    interface Work {
        void run(Connection c) throws Exception;
    }

    private Thread loop(String name, Work work) {
        Thread t = new Thread(() -> {
            try (Connection c = pg.connect("shop")) {
                while (running.get()) {
                    work.run(c);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                if (running.get()) {
                    throw new IllegalStateException(name + " failed", e);
                }
            }
        }, "e2e-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @AfterAll
    void stop() throws Exception {
        running.set(false);
        for (Thread t : load) {
            t.join(5000);
        }
        if (pg != null) {
            pg.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private String config() {
        return """
                kafka:
                  bootstrapServers: %s
                  partitions: 2
                collector:
                  intervalSeconds: 2
                  fullSnapshotEvery: 1
                  targets:
                    - id: %s
                      url: jdbc:postgresql://127.0.0.1:%d/shop
                      user: postgres
                      passwordFile: %s
                      includeDatabases: [shop]
                    # the cluster's other database: the two targets share one read of pg_stat_statements a cycle,
                    # so shop's statements are often counted by the other's read, before shop's snapshot began
                    - id: %s-postgres
                      url: jdbc:postgresql://127.0.0.1:%d/postgres
                      user: postgres
                      passwordFile: %s
                      includeDatabases: [postgres]
                analyzer:
                  applicationId: analyzer-e2e
                  stateDir: %s
                  rules:
                    thresholds:
                      cache_hit_ratio: { forIntervals: 1, minEvidence: 5000 }
                      statement_mean_time: { forIntervals: 1, minEvidence: 2 }
                      dead_rows: { minEvidence: 1000 }
                """.formatted(kafka.bootstrapServers(), INSTANCE, pg.port(), work.resolve("pw"), INSTANCE, pg.port(), work.resolve("pw"),
                work.resolve("state"));
    }

    private static Predicate<Violation> is(String rule, ViolationState state) {
        return v -> v.getRule().equals(rule) && v.getState() == state && v.getInstanceId().equals(INSTANCE);
    }

    private static boolean has(List<Violation> vs, String rule, ViolationState state) {
        return vs.stream().anyMatch(is(rule, state));
    }

    /** Per fingerprint: every RESOLVED follows a FIRING, and no two RESOLVED in a row. */
    static void assertResolvedOnceAfterFiring(String rule, List<Violation> events) {
        Map<String, ViolationState> last = new java.util.HashMap<>();
        for (Violation v : events) {
            ViolationState before = last.put(v.getFingerprint(), v.getState());
            if (v.getState() == ViolationState.RESOLVED) {
                assertThat(before).as(rule + ": RESOLVED only after FIRING, events " + events.stream()
                        .map(e -> e.getState() + "@" + e.getObservedAt() + " " + e.getMessage()).toList()).isEqualTo(ViolationState.FIRING);
            }
        }
    }

    /**
     * Of the two targets, the one whose cycle starts later in the interval keeps its rows from the other's read: its
     * statements chunks carry that read's time, before their snapshot began and never more than the sharing window.
     */
    private void assertStatementsCarryWhenTheyWereCounted() {
        try (TopicReader<SnapshotInfo> envelopes = new TopicReader<>(kafka.bootstrapServers(), Topics.SNAPSHOTS, Serdes.snapshotInfo());
             TopicReader<StatementsChunk> statements = new TopicReader<>(kafka.bootstrapServers(), Topics.STATS_STATEMENTS, Serdes.statements())) {
            Map<String, Instant> began = envelopes.drainFor(Duration.ofSeconds(2)).stream()
                    .collect(Collectors.toMap(i -> i.getRef().getSnapshotId(), i -> i.getRef().getCollectedAt(), (a, b) -> a));
            List<StatementsChunk> chunks = statements.drainFor(Duration.ofSeconds(2)).stream()
                    .filter(c -> began.containsKey(c.getRef().getSnapshotId())).toList();
            assertThat(chunks).isNotEmpty().allSatisfy(c -> assertThat(c.getRef().getCollectedAt())
                    .isBeforeOrEqualTo(began.get(c.getRef().getSnapshotId()))
                    .isAfter(began.get(c.getRef().getSnapshotId()).minus(ClusterStatements.SHARE_WITHIN)));
            assertThat(chunks).as("some counted by the other target's read").anySatisfy(c -> assertThat(c.getRef().getCollectedAt())
                    .isBefore(began.get(c.getRef().getSnapshotId())));
        }
    }

    @Test
    void plantedProblemsFireAndResolveWhenFixed() throws Exception {
        ConfigFile file = ConfigFile.parse("e2e.yaml", config());
        KafkaSettings kafkaSettings = file.section("kafka", KafkaSettings.class);
        try (Analyzer analyzer = Analyzer.start(kafkaSettings, file.section("analyzer", AnalyzerConfig.class));
             Collector collector = new Collector(file.section("collector", CollectorConfig.class), kafkaSettings)) {
            assertThat(analyzer.awaitRunning(Duration.ofSeconds(60))).isTrue();
            collector.start();
            // poison among the real records: Kafka's dead letter queue takes it, in the stream's transaction
            byte[] poison = "not an Avro record".getBytes(StandardCharsets.UTF_8);
            try (var producer = new KafkaProducer<>(
                    Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                    new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(Topics.STATS_TABLES, INSTANCE, poison)).get();
            }
            try (TopicReader<Violation> violations = new TopicReader<>(kafka.bootstrapServers(), Topics.VIOLATIONS, Serdes.violation());
                 TopicReader<Finding> findings = new TopicReader<>(kafka.bootstrapServers(), Topics.FINDINGS, Serdes.finding())) {
                List<Violation> fired = violations.awaitUntil(vs -> has(vs, "dead_rows", ViolationState.FIRING)
                        && has(vs, "statement_mean_time", ViolationState.FIRING) && has(vs, "cache_hit_ratio", ViolationState.FIRING),
                        Duration.ofSeconds(60), "dead rows, slow statement and cache hit violations");
                assertThat(fired).filteredOn(is("dead_rows", ViolationState.FIRING)).first().satisfies(v -> {
                    assertThat(v.getObject()).isEqualTo("public.bloated");
                    assertThat(v.getSeverity()).isEqualTo(Severity.CRITICAL);
                    assertThat(v.getValue()).isGreaterThan(0.5);
                });
                assertThat(fired).filteredOn(is("statement_mean_time", ViolationState.FIRING)).first()
                        .satisfies(v -> assertThat(v.getValue()).isBetween(150.0, 400.0));
                assertThat(fired).filteredOn(is("cache_hit_ratio", ViolationState.FIRING)).first()
                        .satisfies(v -> assertThat(v.getObject()).isEqualTo("shop"));

                // the missing index is found on the tables' counters; the statement that needs it is named once the
                // statements' interval is in (a tables record may be processed first), and the finding is published again then
                List<Finding> advice = findings.awaitUntil(fs -> fs.stream().anyMatch(f -> f.getKind().equals("vacuum_overdue"))
                        && fs.stream().anyMatch(f -> f.getKind().equals("missing_index") && f.getRecommendation().contains("(k)")),
                        Duration.ofSeconds(20), "vacuum and missing-index findings");
                assertThat(advice).filteredOn(f -> f.getKind().equals("vacuum_overdue")).first().satisfies(f -> {
                    assertThat(f.getObject()).isEqualTo("public.bloated");
                    assertThat(f.getRecommendation()).contains("VACUUM (ANALYZE) public.bloated;", "RESET (autovacuum_enabled)");
                });
                assertThat(advice).filteredOn(f -> f.getKind().equals("missing_index")).last().satisfies(f -> {
                    assertThat(f.getObject()).isEqualTo("public.big");
                    assertThat(f.getRecommendation()).startsWith("CREATE INDEX CONCURRENTLY ON public.big (k);");
                });

                // fix everything
                slow.set(false);
                scans.set(false);
                pg.execute("shop", "VACUUM (ANALYZE) bloated");
                List<Violation> all = violations.awaitUntil(vs -> has(vs, "dead_rows", ViolationState.RESOLVED)
                        && has(vs, "statement_mean_time", ViolationState.RESOLVED) && has(vs, "cache_hit_ratio", ViolationState.RESOLVED),
                        Duration.ofSeconds(30), "the three violations to resolve");
                all = violations.drainFor(Duration.ofSeconds(5));
                for (String rule : List.of("dead_rows", "statement_mean_time", "cache_hit_ratio")) {
                    List<Violation> events = all.stream().filter(v -> v.getRule().equals(rule) && v.getInstanceId().equals(INSTANCE)).toList();
                    assertThat(events.get(events.size() - 1).getState()).as(rule + " ends resolved").isEqualTo(ViolationState.RESOLVED);
                    assertResolvedOnceAfterFiring(rule, events);
                }
            }
            try (TopicReader<byte[]> dlq = new TopicReader<>(kafka.bootstrapServers(), Topics.ANALYZER_DLQ,
                    new ByteArrayDeserializer())) {
                dlq.awaitUntil(vs -> vs.stream().anyMatch(v -> Arrays.equals(v, poison)), Duration.ofSeconds(30),
                        "the poison record, as it came, on the dead letter topic (read committed)");
            }
            assertStatementsCarryWhenTheyWereCounted();
        }
    }
}

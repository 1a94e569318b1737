package dev.pgvigil.analyzer;

import static dev.pgvigil.analyzer.Stats.databases;
import static dev.pgvigil.analyzer.Stats.db;
import static dev.pgvigil.analyzer.Stats.ref;
import static dev.pgvigil.analyzer.Stats.table;
import static dev.pgvigil.analyzer.Stats.tables;
import static dev.pgvigil.analyzer.Stats.whole;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.analyzer.cli.TailCommand;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.schema.MetricBatch;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.Violation;
import dev.pgvigil.schema.ViolationState;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.TopicSetup;
import dev.pgvigil.schema.kafka.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * The analyzer stopped mid-stream and started again with an empty state folder: its state comes back
 * from the changelogs, a condition pending its {@code for} duration keeps counting, and no violation is
 * lost or repeated. Then {@code pgvigil tail} reads the result.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalyzerRestartTest {
    private static final String I = "restart-1";
    private EmbeddedKafka kafka;
    private KafkaProducer<String, byte[]> producer;
    @TempDir
    static Path work; // static, so JUnit sets it before @BeforeAll; removed after the class
    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(300);
    private long hits, reads;

    @BeforeAll
    void start() throws Exception {
        kafka = EmbeddedKafka.startTemporary();
        try (Admin admin = kafka.admin()) {
            TopicSetup.ensureAll(admin, 2, (short) 1);
        }
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    void stop() {
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private Analyzer analyzer(String stateFolder) throws Exception {
        ConfigFile file = ConfigFile.parse("restart.yaml", """
                kafka: { bootstrapServers: "%s" }
                analyzer:
                  applicationId: analyzer-restart
                  stateDir: %s
                  rules:
                    thresholds:
                      cache_hit_ratio: { forIntervals: 2, minEvidence: 100 }
                  streams:
                    # the stopped copy's member is dropped after its session: keep that short here
                    consumer.session.timeout.ms: "6000"
                    consumer.heartbeat.interval.ms: "1000"
                """.formatted(kafka.bootstrapServers(), work.resolve(stateFolder)));
        Analyzer a = Analyzer.start(file.section("kafka", KafkaSettings.class), file.section("analyzer", AnalyzerConfig.class));
        assertThat(a.awaitRunning(Duration.ofSeconds(60))).isTrue();
        return a;
    }

    private void send(String topic, SpecificRecord value, SnapshotRef ref, byte[] bytes) {
        producer.send(new ProducerRecord<>(topic, null, ref.getCollectedAt().toEpochMilli(), I, bytes));
    }

    /** Snapshot {@code n}: the interval before it had {@code hit} of {@code hit + read} blocks from cache; {@code dead} dead rows. */
    private void snapshot(int n, long hit, long read, long dead) {
        hits += hit;
        reads += read;
        SnapshotRef ref = ref(I, "s" + n, t0.plusSeconds(10L * n));
        var d = databases(ref, whole(), db("shop", 5).setBlksHit(hits).setBlksRead(reads).build());
        var t = tables(ref, whole(), table(1, "orders").setNLiveTup(50_000).setNDeadTup(dead).build());
        send(Topics.STATS_DATABASE, d, ref, Serdes.databaseStats().serialize(Topics.STATS_DATABASE, d));
        send(Topics.STATS_TABLES, t, ref, Serdes.tables().serialize(Topics.STATS_TABLES, t));
        producer.flush();
    }

    @Test
    void restartLosesAndRepeatsNothingThenTailShowsIt() throws Exception {
        try (TopicReader<Violation> violations = new TopicReader<>(kafka.bootstrapServers(), Topics.VIOLATIONS, Serdes.violation());
             TopicReader<MetricBatch> metrics = new TopicReader<>(kafka.bootstrapServers(), Topics.METRICS, Serdes.metrics())) {
            try (Analyzer first = analyzer("state-a")) {
                snapshot(0, 0, 0, 0);
                snapshot(1, 9_000, 1_000, 50_000);   // dead rows fire
                snapshot(2, 3_000, 7_000, 50_000);   // cache hit 30 %: 1 of 2 intervals
                metrics.awaitUntil(ms -> ms.stream().anyMatch(m -> m.getSnapshotId().equals("s2") && m.getPoints().stream()
                        .anyMatch(p -> p.getName().equals("database.cache_hit_ratio"))), Duration.ofSeconds(30), "snapshot s2 processed");
            }
            try (Analyzer second = analyzer("state-b")) { // an empty folder: everything restored from the changelogs
                snapshot(3, 3_000, 7_000, 50_000);   // 2nd interval at 30 %: fires only if the pending count survived
                snapshot(4, 3_000, 7_000, 0);        // vacuumed: dead rows resolve
                snapshot(5, 9_900, 100, 0);          // cache hit healthy: resolves
                List<Violation> seen = violations.awaitUntil(vs -> vs.size() >= 4, Duration.ofSeconds(45), "four violation events");
                seen = violations.drainFor(Duration.ofSeconds(3));
                assertThat(seen).extracting(Violation::getRule, Violation::getState, v -> v.getSnapshotId()).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("dead_rows", ViolationState.FIRING, "s1"),
                        org.assertj.core.groups.Tuple.tuple("cache_hit_ratio", ViolationState.FIRING, "s3"),
                        org.assertj.core.groups.Tuple.tuple("dead_rows", ViolationState.RESOLVED, "s4"),
                        org.assertj.core.groups.Tuple.tuple("cache_hit_ratio", ViolationState.RESOLVED, "s5"));
                List<MetricBatch> all = metrics.drainFor(Duration.ofMillis(500));
                assertThat(all).as("the interval across the restart is computed from the restored sample")
                        .anyMatch(m -> m.getSnapshotId().equals("s3") && m.getPoints().stream()
                                .anyMatch(p -> p.getName().equals("database.cache_hit_ratio") && Math.abs(p.getValue() - 0.3) < 1e-9));
            }
        }

        StringWriter out = new StringWriter();
        int code = new CommandLine(new TailCommand()).setOut(new PrintWriter(out)).execute(Topics.VIOLATIONS, "--from-beginning",
                "--max", "4", "--instance", I, "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(code).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(4);
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertThat(first.get("rule").asText()).isEqualTo("dead_rows");
        assertThat(first.get("state").asText()).isEqualTo("FIRING");
        assertThat(first.get("startsAt").asText()).isEqualTo(t0.plusSeconds(10).toString());

        StringWriter none = new StringWriter();
        assertThat(new CommandLine(new TailCommand()).setOut(new PrintWriter(none)).execute(Topics.VIOLATIONS, "--from-beginning",
                "--instance", "nobody", "--timeout", "2", "--bootstrap-servers", kafka.bootstrapServers())).isZero();
        assertThat(none.toString()).isEmpty();

        StringWriter err = new StringWriter();
        assertThat(new CommandLine(new TailCommand()).setErr(new PrintWriter(err)).execute("pgvigil.nope", "--bootstrap-servers",
                kafka.bootstrapServers())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown topic 'pgvigil.nope'", "pgvigil.violations");
    }
}

package dev.pgvigil.collector;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.SnapshotStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Two clusters, one of which goes down and comes back; targets with secrets in every place a secret can
 * be configured (URL, file, inline), some of which cannot connect. Nothing secret may reach a log line
 * or a Kafka record, and the healthy target keeps its pace while the other is down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CollectorResilienceTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Unique per run, with characters that need URL encoding, so an encoded leak is caught too. */
    private static final String URL_SECRET = "u-" + UUID.randomUUID() + "+/x";
    private static final String FILE_SECRET = "f-" + UUID.randomUUID();
    private static final String WRONG_SECRET = "w-" + UUID.randomUUID();
    private static final String DEAD_URL_SECRET = "d-" + UUID.randomUUID();

    @TempDir
    static Path dir;
    static LocalPostgres healthy;
    static LocalPostgres flaky;
    static EmbeddedKafka kafka;
    static Collector collector;
    static StatsTopics topics;
    static ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        ((Logger) LoggerFactory.getLogger("dev.pgvigil")).setLevel(ch.qos.logback.classic.Level.DEBUG);

        healthy = LocalPostgres.start();
        flaky = LocalPostgres.start();
        healthy.execute("postgres", "CREATE EXTENSION pg_stat_statements", "CREATE ROLE mon LOGIN PASSWORD '" + URL_SECRET + "'", "GRANT pg_monitor TO mon");
        flaky.execute("postgres", "CREATE EXTENSION pg_stat_statements", "CREATE ROLE mon LOGIN PASSWORD '" + FILE_SECRET + "'", "GRANT pg_monitor TO mon");
        Path secretFile = dir.resolve("flaky.pw");
        Files.writeString(secretFile, FILE_SECRET + "\n");
        int closedPort = ClosedPort.any();

        kafka = EmbeddedKafka.startTemporary();
        ConfigFile config = ConfigFile.parse("resilience.yaml", """
                kafka:
                  bootstrapServers: %s
                  partitions: 1
                collector:
                  intervalSeconds: 1
                  reconnectMaxBackoffSeconds: 2
                  connectTimeoutSeconds: 2
                  http: {port: 0}
                  targets:
                    - id: healthy
                      url: "postgresql://mon:%s@127.0.0.1:%d/postgres"
                    - id: flaky
                      url: jdbc:postgresql://127.0.0.1:%d/postgres
                      user: mon
                      passwordFile: %s
                    - id: wrongpw
                      url: jdbc:postgresql://127.0.0.1:%d/postgres
                      user: mon
                      password: "%s"
                    - id: deadurl
                      url: "postgresql://mon:%s@127.0.0.1:%d/postgres"
                """.formatted(kafka.bootstrapServers(), URLEncoder.encode(URL_SECRET, StandardCharsets.UTF_8), healthy.port(),
                flaky.port(), secretFile, healthy.port(), WRONG_SECRET, DEAD_URL_SECRET, closedPort));
        collector = new Collector(config.section("collector", CollectorConfig.class), config.section("kafka", KafkaSettings.class));
        collector.start();
        topics = new StatsTopics(kafka.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {topics, collector, kafka, healthy, flaky}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    private static SnapshotInfo await(String instance, SnapshotStatus status, Instant after) {
        return topics.await(i -> i.getRef().getInstanceId().equals(instance) && i.getStatus() == status
                && i.getRef().getCollectedAt().isAfter(after), WAIT, status + " from " + instance + " after " + after);
    }

    @Test
    @Order(4)
    void healthAndMetricsTellHowEachTargetFares() throws Exception {
        URI base = collector.endpoint().orElseThrow();
        assertThat(base.getHost()).isEqualTo("127.0.0.1");
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"scheduler\"", "UP");

        String metrics = client.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metricValue(metrics, "pgvigil_collector_cycles_total", "healthy")).isGreaterThanOrEqualTo(5);
        assertThat(metricValue(metrics, "pgvigil_collector_cycle_failures_total", "flaky"))
                .as("the outage of the first test").isGreaterThanOrEqualTo(3);
        assertThat(metricValue(metrics, "pgvigil_collector_cycle_failures_total", "healthy")).isZero();
        assertThat(metrics).contains("pgvigil_collector_last_cycle_seconds{", "kafka_producer_");
        assertThat(metrics).doesNotContain(URL_SECRET, FILE_SECRET, WRONG_SECRET, DEAD_URL_SECRET);
    }

    /** The value of a Prometheus sample {@code name{...target="id"...} value}. */
    private static double metricValue(String exposition, String name, String target) {
        return exposition.lines()
                .filter(l -> l.startsWith(name + "{") && l.contains("target=\"" + target + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " for " + target + " in:\n" + exposition));
    }

    @Test
    @Order(1)
    void aStoppedServerGivesFailedSnapshotsWhileTheOtherKeepsItsPaceAndCollectionResumes() throws Exception {
        await("healthy", SnapshotStatus.OK, Instant.EPOCH);
        await("flaky", SnapshotStatus.OK, Instant.EPOCH);

        long overrunsBefore = collector.stats().get("healthy").overruns(); // a cold first cycle may overrun a 1 s interval
        Instant down = Instant.now();
        flaky.stop();
        SnapshotInfo failed = await("flaky", SnapshotStatus.FAILED, down);
        assertThat(failed.getError()).isNotBlank();
        Thread.sleep(6_000);
        Instant up = Instant.now();
        flaky.restart();

        List<Instant> healthyTimes = topics.envelopes().stream()
                .filter(i -> i.getRef().getInstanceId().equals("healthy") && i.getStatus() == SnapshotStatus.OK)
                .map(i -> i.getRef().getCollectedAt()).filter(t -> t.isAfter(down) && t.isBefore(up)).sorted().toList();
        assertThat(healthyTimes).as("one OK snapshot a second while the other target was down").hasSizeGreaterThanOrEqualTo(5);
        for (int i = 1; i < healthyTimes.size(); i++) {
            assertThat(Duration.between(healthyTimes.get(i - 1), healthyTimes.get(i))).isLessThan(Duration.ofMillis(2_500));
        }
        long failedWhileDown = topics.envelopes().stream().filter(i -> i.getRef().getInstanceId().equals("flaky")
                && i.getStatus() == SnapshotStatus.FAILED && i.getRef().getCollectedAt().isBefore(up)).count();
        assertThat(failedWhileDown).isGreaterThanOrEqualTo(3);

        await("flaky", SnapshotStatus.OK, up);
        assertThat(collector.stats().get("flaky").failures()).isGreaterThanOrEqualTo(failedWhileDown);
        assertThat(collector.stats().get("healthy").overruns()).as("overruns while the other target was down")
                .isLessThanOrEqualTo(overrunsBefore + 1);
        assertThat(collector.stats().get("healthy").lastStatus()).isEqualTo("OK");
    }

    @Test
    @Order(2)
    void badCredentialsAndDeadHostsFailWithTheirReason() {
        SnapshotInfo wrong = await("wrongpw", SnapshotStatus.FAILED, Instant.EPOCH);
        assertThat(wrong.getError()).contains("password authentication failed");
        SnapshotInfo dead = await("deadurl", SnapshotStatus.FAILED, Instant.EPOCH);
        assertThat(dead.getError()).contains("cannot connect to postgresql://mon:***@127.0.0.1:");
    }

    @Test
    @Order(3)
    void noPasswordInAnyLogLineOrRecord() {
        List<ConsumerRecord<String, byte[]>> records = topics.poll();
        assertThat(records).hasSizeGreaterThan(50);
        List<String> logLines = logs.list.stream()
                .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
                .toList();
        assertThat(logLines).anyMatch(l -> l.contains("wrongpw")).anyMatch(l -> l.contains("deadurl"));
        for (String secret : List.of(URL_SECRET, FILE_SECRET, WRONG_SECRET, DEAD_URL_SECRET)) {
            for (String form : List.of(secret, URLEncoder.encode(secret, StandardCharsets.UTF_8))) {
                assertThat(logLines).noneMatch(l -> l.contains(form));
                byte[] needle = form.getBytes(StandardCharsets.UTF_8);
                assertThat(records).noneMatch(r -> contains(r.value(), needle) || (r.key() != null && r.key().contains(form)));
            }
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}

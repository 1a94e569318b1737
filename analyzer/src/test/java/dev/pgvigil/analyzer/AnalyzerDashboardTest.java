package dev.pgvigil.analyzer;

import static dev.pgvigil.analyzer.Stats.activity;
import static dev.pgvigil.analyzer.Stats.databases;
import static dev.pgvigil.analyzer.Stats.db;
import static dev.pgvigil.analyzer.Stats.envelope;
import static dev.pgvigil.analyzer.Stats.index;
import static dev.pgvigil.analyzer.Stats.indexes;
import static dev.pgvigil.analyzer.Stats.ref;
import static dev.pgvigil.analyzer.Stats.statements;
import static dev.pgvigil.analyzer.Stats.uniform;
import static dev.pgvigil.analyzer.Stats.whole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.analyzer.query.AnalyzerService;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.http.HttpSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.embedded.Folders;
import dev.pgvigil.schema.AlertState;
import dev.pgvigil.schema.AlertStatus;
import dev.pgvigil.schema.ReplicationSnapshot;
import dev.pgvigil.schema.Severity;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.SnapshotStatus;
import dev.pgvigil.schema.StandbyInfo;
import dev.pgvigil.schema.WalReceiverInfo;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.TopicSetup;
import dev.pgvigil.schema.kafka.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard API over the real analyzer: two copies with the same application id on one embedded
 * broker (different state folders and ports) share the instances, the test produces collector records,
 * the topology computes rollups, findings and state, and then every endpoint is read from BOTH copies:
 * each answers every question with the same data (a key held by the other copy is forwarded to it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalyzerDashboardTest {
    private static final List<String> INSTANCES = List.of("db-a", "db-b", "db-c", "db-d", "db-e", "db-f");
    private static final int SNAPSHOTS = 6;
    private static final String TOKEN = "s3cret-token";
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    /** Snapshots a minute apart, the last one now: every interval in its own 1-minute window. */
    private final Instant last = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private EmbeddedKafka kafka;
    private Path work;
    private final List<AnalyzerService> copies = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        kafka = EmbeddedKafka.startTemporary();
        try (Admin admin = kafka.admin()) {
            TopicSetup.ensureAll(admin, 4, (short) 1);
        }
        work = Files.createTempDirectory("pgvigil-dashboard-");
        Path tokenFile = Files.writeString(work.resolve("token"), TOKEN);
        KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), Map.of(), 4, (short) 1);
        for (String copy : List.of("one", "two")) {
            AnalyzerConfig config = new AnalyzerConfig("dashboard-test", work.resolve(copy), null, null, null, null, null, null, null,
                    null, null, 60, null, null, Map.of("commit.interval.ms", "200", "consumer.session.timeout.ms", "6000",
                    "consumer.heartbeat.interval.ms", "1000"));
            copies.add(AnalyzerService.start(settings, config, new HttpSettings(null, 0, null, tokenFile, null, null)));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!bothRunningWithTwoClients() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(bothRunningWithTwoClients()).as("both copies running in one group").isTrue();
        produce();
    }

    private boolean bothRunningWithTwoClients() {
        return copies.stream().allMatch(c -> c.analyzer().streams().state() == KafkaStreams.State.RUNNING
                && c.analyzer().streams().metadataForAllStreamsClients().size() == 2);
    }

    @AfterAll
    void stop() {
        copies.forEach(AnalyzerService::close);
        if (kafka != null) {
            kafka.close();
        }
        if (work != null) {
            Folders.deleteQuietly(work);
        }
    }

    /** Per instance and minute: 600 commits (10 TPS), 900 of 1,000 blocks from cache, one statement called 60 times at 10 ms. */
    private void produce() {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int n = 0; n < SNAPSHOTS; n++) {
                Instant at = last.minus(Duration.ofMinutes(SNAPSHOTS - 1 - n));
                for (String id : INSTANCES) {
                    SnapshotRef ref = ref(id, id + "-s" + n, at);
                    send(p, Topics.SNAPSHOTS, id, at, Serdes.snapshotInfo().serialize(null,
                            dev.pgvigil.schema.SnapshotInfo.newBuilder(envelope(ref, SnapshotStatus.OK, null)).setServerVersion("15.8").build()));
                    send(p, Topics.STATS_DATABASE, id, at, Serdes.databaseStats().serialize(null, databases(ref, whole(),
                            db("shop", 5).setXactCommit(600L * n).setBlksHit(900L * n).setBlksRead(100L * n).build())));
                    send(p, Topics.STATS_STATEMENTS, id, at, Serdes.statements().serialize(null, statements(ref, whole(),
                            uniform(4242, 60L * n + 1, 10))));
                    send(p, Topics.STATS_INDEXES, id, at, Serdes.indexes().serialize(null, indexes(ref, whole(),
                            index(11, "orders", "orders_a", "a").build(), index(12, "orders", "orders_a_b", "a", "b").build())));
                    send(p, Topics.STATS_ACTIVITY, id, at, Serdes.activity().serialize(null, activity(ref, 7).build()));
                }
                // db-b streams from db-a through the slot db_b (one cluster: system identifier 42); the others send no replication record
                send(p, Topics.STATS_REPLICATION, "db-a", at, Serdes.replication().serialize(null, ReplicationSnapshot.newBuilder()
                        .setRef(ref("db-a", "db-a-s" + n, at)).setChunk(whole()).setInRecovery(false).setSystemIdentifier(42L)
                        .setCurrentLsn(1_000_000L * n + 5000).setStandbys(List.of(StandbyInfo.newBuilder().setName("db_b").setPid(9)
                                .setState("streaming").setSyncState("async").setSlotName("db_b").setReplayLsn(1_000_000L * n).build()))
                        .build()));
                send(p, Topics.STATS_REPLICATION, "db-b", at, Serdes.replication().serialize(null, ReplicationSnapshot.newBuilder()
                        .setRef(ref("db-b", "db-b-s" + n, at)).setChunk(whole()).setInRecovery(true).setSystemIdentifier(42L)
                        .setReceiveLsn(1_000_000L * n).setReplayLsn(1_000_000L * n).setStreamingConfigured(true)
                        .setWalReceiver(WalReceiverInfo.newBuilder().setStatus("streaming").setSenderHost("db-a.internal").setSenderPort(5432)
                                .setSlotName("db_b").build())
                        .build()));
            }
            AlertState alert = AlertState.newBuilder().setFingerprint("fp-1").setRule("cache_hit_ratio").setInstanceId("db-a")
                    .setObject("db-a").setSeverity(Severity.CRITICAL).setStatus(AlertStatus.FIRING).setValue(0.4).setThreshold(0.5)
                    .setMessage("cache hit ratio 40 %").setStartsAt(last.minusSeconds(120)).setUpdatedAt(last).build();
            p.send(new ProducerRecord<>(Topics.ALERTS, "fp-1", Serdes.alertState().serialize(null, alert)));
        }
    }

    private static void send(KafkaProducer<String, byte[]> p, String topic, String key, Instant at, byte[] value) {
        p.send(new ProducerRecord<>(topic, null, at.toEpochMilli(), key, value));
    }

    @Test
    void everyCopyAnswersEveryQuestionWithTheSameData() throws Exception {
        // the test means something only if each copy holds some of the instances
        Set<Integer> owners = new HashSet<>();
        for (String id : INSTANCES) {
            KeyQueryMetadata m = copies.get(0).analyzer().streams().queryMetadataForKey(TopologyNames.INSTANCES_STORE, id,
                    new StringSerializer());
            owners.add(m.activeHost().port());
        }
        assertThat(owners).as("instances held by both copies").hasSize(2);

        // wait until the last snapshot of every instance is processed (both copies see the whole fleet)
        awaitTrue(() -> {
            JsonNode fleet = get(copies.get(0), "/api/fleet");
            int done = 0;
            for (JsonNode i : fleet.get("instances")) {
                if (i.path("lastSnapshotAt").asText().equals(last.toString()) && !i.path("transactionsPerSecond").isNull()) {
                    done++;
                }
            }
            return done == INSTANCES.size();
        }, "every instance's last snapshot processed");

        for (AnalyzerService copy : copies) {
            JsonNode fleet = get(copy, "/api/fleet");
            Map<String, JsonNode> byId = new TreeMap<>();
            fleet.get("instances").forEach(i -> byId.put(i.get("id").asText(), i));
            assertThat(byId.keySet()).containsExactlyElementsOf(INSTANCES);
            for (JsonNode i : byId.values()) {
                assertThat(i.get("status").asText()).isEqualTo("UP");
                assertThat(i.get("transactionsPerSecond").asDouble()).isCloseTo(10.0, within(0.01));
                assertThat(i.get("cacheHitRatio").asDouble()).isCloseTo(0.9, within(1e-9));
                assertThat(i.get("connections").asInt()).isEqualTo(7);
                assertThat(i.get("maxConnections").asInt()).isEqualTo(100);
            }
            assertThat(byId.get("db-a").get("firingAlerts").get("critical").asInt()).isEqualTo(1);
            assertThat(byId.get("db-b").get("firingAlerts").get("critical").asInt()).isZero();
        }

        for (String id : INSTANCES) {
            JsonNode[] answers = new JsonNode[2];
            for (int c = 0; c < 2; c++) {
                JsonNode detail = get(copies.get(c), "/api/instances/" + id);
                assertThat(detail.get("serverVersion").asText()).isEqualTo("15.8");
                assertThat(detail.get("databases").get(0).get("name").asText()).isEqualTo("shop");

                String range = "from=" + last.minus(Duration.ofMinutes(10)).toEpochMilli() + "&to=" + last.plusSeconds(60).toEpochMilli();
                JsonNode series = get(copies.get(c), "/api/instances/" + id + "/series?metric=database.tps&database=shop&" + range);
                assertThat(series.get("series")).hasSize(1);
                JsonNode points = series.get("series").get(0).get("points");
                assertThat(points).hasSize(SNAPSHOTS - 1); // the first snapshot is a baseline, not an interval
                points.forEach(pt -> assertThat(pt.get("avg").asDouble()).isCloseTo(10.0, within(0.01)));

                JsonNode top = get(copies.get(c), "/api/instances/" + id + "/statements/top?" + range);
                assertThat(top).hasSize(1);
                assertThat(top.get(0).get("queryId").asLong()).isEqualTo(4242);
                assertThat(top.get(0).get("calls").asLong()).isEqualTo(60L * (SNAPSHOTS - 1));
                assertThat(top.get(0).get("totalTimeMs").asDouble()).isCloseTo(600.0 * (SNAPSHOTS - 1), within(0.5));
                assertThat(top.get(0).get("meanTimeMs").asDouble()).isCloseTo(10.0, within(0.01));

                JsonNode findings = get(copies.get(c), "/api/instances/" + id + "/findings");
                assertThat(findings).extracting(f -> f.get("kind").asText()).contains("duplicate_index");

                answers[c] = json.createObjectNode().set("detail", detail);
                ((com.fasterxml.jackson.databind.node.ObjectNode) answers[c]).set("series", series);
                ((com.fasterxml.jackson.databind.node.ObjectNode) answers[c]).set("top", top);
                ((com.fasterxml.jackson.databind.node.ObjectNode) answers[c]).set("findings", findings);
            }
            assertThat(answers[1]).as("both copies answer the same about " + id).isEqualTo(answers[0]);
        }

        // roles and the standby under its primary, whichever copy holds each of them
        awaitTrue(() -> "db-a".equals(get(copies.get(0), "/api/fleet").get("instances").findValues("primaryId").stream()
                .filter(v -> !v.isNull()).map(JsonNode::asText).findFirst().orElse(null)), "db-b grouped under db-a");
        for (AnalyzerService copy : copies) {
            Map<String, JsonNode> byId = new TreeMap<>();
            get(copy, "/api/fleet").get("instances").forEach(i -> byId.put(i.get("id").asText(), i));
            assertThat(byId.get("db-a").get("role").asText()).isEqualTo("PRIMARY");
            assertThat(byId.get("db-b").get("role").asText()).isEqualTo("STANDBY");
            assertThat(byId.get("db-b").get("primaryId").asText()).isEqualTo("db-a");
            assertThat(byId.get("db-c").get("role").asText()).as("no replication record").isEqualTo("UNKNOWN");
            JsonNode primary = get(copy, "/api/instances/db-a/replication");
            assertThat(primary.get("standbyIds")).extracting(JsonNode::asText).containsExactly("db-b");
            assertThat(primary.at("/latest/systemIdentifier").asText()).isEqualTo("42");
            assertThat(primary.at("/latest/standbys/0/replayLagBytes").asLong()).isEqualTo(5000);
            JsonNode standby = get(copy, "/api/instances/db-b/replication");
            assertThat(standby.get("primaryId").asText()).isEqualTo("db-a");
            assertThat(standby.at("/latest/receiver/upstream").asText()).isEqualTo("db-a.internal:5432");
            JsonNode none = get(copy, "/api/instances/db-c/replication");
            assertThat(none.get("role").asText()).isEqualTo("UNKNOWN");
            assertThat(none.get("latest").isNull()).isTrue();
        }

        for (AnalyzerService copy : copies) {
            JsonNode alerts = get(copy, "/api/alerts?instance=db-a&state=firing");
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).get("message").asText()).isEqualTo("cache hit ratio 40 %");
            assertThat(alerts.get(0).get("history")).hasSize(1);
            assertThat(get(copy, "/api/alerts?instance=db-b")).isEmpty();
            assertThat(status(copy, "/api/instances/nobody")).isEqualTo(404);
        }
    }

    @Test
    void aNamedBaselineRequestedThroughEitherCopyIsTakenAndCompared() throws Exception {
        awaitTrue(() -> status(copies.get(0), "/api/instances/db-c") == 200, "db-c known");
        HttpRequest unauthorised = HttpRequest.newBuilder(copies.get(1).dashboardUri().resolve("/api/instances/db-c/baselines"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"before\"}")).build();
        assertThat(http.send(unauthorised, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        HttpRequest request = HttpRequest.newBuilder(copies.get(1).dashboardUri().resolve("/api/instances/db-c/baselines"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"before\"}")).build();
        assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
        for (AnalyzerService copy : copies) {
            awaitTrue(() -> get(copy, "/api/instances/db-c/baselines").size() == 1, "the baseline is listed");
            JsonNode baseline = get(copy, "/api/instances/db-c/baselines").get(0);
            assertThat(baseline.get("name").asText()).isEqualTo("before");
            assertThat(baseline.get("metrics").get("database_size_bytes").asDouble()).isEqualTo(8_000_000.0);
            JsonNode compare = get(copy, "/api/instances/db-c/baselines/before/compare");
            assertThat(compare.get("metrics")).anySatisfy(d -> {
                assertThat(d.get("metric").asText()).isEqualTo("database_size_bytes");
                assertThat(d.get("current").asDouble()).isEqualTo(8_000_000.0);
                assertThat(d.get("changeRatio").asDouble()).isZero();
            });
            assertThat(status(copy, "/api/instances/db-c/baselines/nope/compare")).isEqualTo(404);
        }
    }

    @Test
    void healthAndMetricsOfTheAnalyzer() throws Exception {
        for (AnalyzerService copy : copies) {
            HttpRequest healthRequest = HttpRequest.newBuilder(copy.dashboardUri().resolve("/health")).build();
            HttpResponse<String> health = http.send(healthRequest, HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as("up while the group rebalances, too").isEqualTo(200);
            assertThat(health.body()).contains("kafkaStreams");
            // the two copies' group may still be settling when this test runs first
            awaitTrue(() -> http.send(healthRequest, HttpResponse.BodyHandlers.ofString()).body().contains("RUNNING"), "Kafka Streams RUNNING");
            String metrics = http.send(HttpRequest.newBuilder(copy.dashboardUri().resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("kafka_stream_", "kafka_producer_", "service=\"analyzer\"");
        }
    }

    private JsonNode get(AnalyzerService copy, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(copy.dashboardUri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private int status(AnalyzerService copy, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(copy.dashboardUri().resolve(path)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        AssertionError lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (AssertionError e) {
                lastError = e;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out waiting for: " + what, lastError);
    }
}

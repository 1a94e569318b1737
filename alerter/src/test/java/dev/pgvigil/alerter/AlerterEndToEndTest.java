package dev.pgvigil.alerter;

import static dev.pgvigil.alerter.support.Alerts.firingViolation;
import static dev.pgvigil.alerter.support.Alerts.resolvedViolation;
import static dev.pgvigil.alerter.support.KafkaFixtures.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.alerter.channel.Signatures;
import dev.pgvigil.alerter.config.AlerterConfig;
import dev.pgvigil.alerter.model.AlertView;
import dev.pgvigil.alerter.support.KafkaFixtures;
import dev.pgvigil.alerter.support.Receiver;
import dev.pgvigil.alerter.support.SharedKafka;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.schema.FailedNotification;
import dev.pgvigil.schema.Severity;
import dev.pgvigil.schema.kafka.Serdes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerter against a real Kafka broker and real HTTP receivers, with short timings. Each case has
 * its own topics and consumer group, so cases do not see each other's alerts.
 */
@ExtendWith(SharedKafka.class)
class AlerterEndToEndTest {
    private static final String HOOK_SECRET = "hook-secret";
    private static final String API_TOKEN = "api-token";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AtomicInteger CASES = new AtomicInteger();

    @TempDir
    Path dir;

    private final EmbeddedKafka kafka = SharedKafka.kafka();
    private final Receiver ops = new Receiver();
    private final Receiver broken = new Receiver().failing(-1);
    private final List<Alerter> alerters = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private KafkaProducer<byte[], byte[]> producer;
    private AlerterTopics topics;
    private String group;

    @BeforeEach
    void setUp() {
        int n = CASES.incrementAndGet();
        topics = KafkaFixtures.topics(kafka, "e2e" + n, 2);
        group = "alerter-e2e-" + n;
        producer = KafkaFixtures.producer(kafka);
    }

    @AfterEach
    void tearDown() {
        alerters.forEach(Alerter::close);
        producer.close();
        ops.close();
        broken.close();
    }

    /** An alerter with a signed webhook "ops", a token for its API, and {@code extra} YAML in its section. */
    private Alerter start(String timing, String extra) throws Exception {
        Path secret = dir.resolve("hook-secret");
        Files.writeString(secret, HOOK_SECRET);
        Path token = dir.resolve("api-token");
        Files.writeString(token, API_TOKEN + "\n");
        AlerterConfig config = ConfigFile.parse("e2e.yaml", """
                alerter:
                  %s
                  groupId: %s
                  webhooks:
                    - {name: ops, url: "%s", secretFile: %s}
                    - {name: broken, url: "%s"}
                  defaultChannels: [ops]
                  http: {port: 0, tokenFile: %s}
                %s
                """.formatted(timing, group, ops.url(), secret, broken.url(), token,
                        (extra.contains("retry:") ? extra : extra + "\nretry: {maxAttempts: 3, initialBackoff: 20ms, maxBackoff: 100ms}").indent(2)))
                .section("alerter", AlerterConfig.class);
        Alerter alerter = Alerter.start(KafkaSettings.of(kafka.bootstrapServers()), config, topics, Clock.systemUTC());
        alerters.add(alerter);
        assertThat(alerter.awaitReady(WAIT)).isTrue();
        return alerter;
    }

    private Alerter start(String timing) throws Exception {
        return start(timing, "");
    }

    private static JsonNode alertOf(Receiver.Request request, String rule) {
        for (JsonNode alert : request.json().get("alerts")) {
            if (alert.get("rule").asText().equals(rule)) {
                return alert;
            }
        }
        throw new AssertionError("no " + rule + " in " + request.text());
    }

    private static List<String> rules(Receiver.Request request) {
        List<String> rules = new ArrayList<>();
        request.json().get("alerts").forEach(a -> rules.add(a.get("rule").asText() + ":" + a.get("change").asText()));
        return rules;
    }

    @Test
    void firesRepeatsWhileFiringAndResolvesOnceWithASignedWebhook() throws Exception {
        start("groupWait: 200ms\n  groupInterval: 200ms\n  repeatInterval: 1s");
        Instant t0 = Instant.now();
        send(producer, topics.violations(), firingViolation("cache_hit_ratio", "db-1", "appdb", Severity.CRITICAL, t0));

        List<Receiver.Request> got = ops.await(2, WAIT);
        Receiver.Request first = got.get(0);
        assertThat(Signatures.verify(HOOK_SECRET, first.body(), first.header(Signatures.HEADER))).isTrue();
        assertThat(alertOf(first, "cache_hit_ratio").get("change").asText()).isEqualTo("new");
        assertThat(alertOf(first, "cache_hit_ratio").get("sequence").asInt()).isEqualTo(1);
        Receiver.Request repeat = got.get(1);
        assertThat(alertOf(repeat, "cache_hit_ratio").get("change").asText()).isEqualTo("repeat");
        assertThat(alertOf(repeat, "cache_hit_ratio").get("sequence").asInt()).isEqualTo(2);
        assertThat(repeat.header("Idempotency-Key")).isNotEqualTo(first.header("Idempotency-Key"));

        send(producer, topics.violations(), resolvedViolation("cache_hit_ratio", "db-1", "appdb", t0, Instant.now()));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!ops.requests().get(ops.requests().size() - 1).json().get("status").asText().equals("resolved")) {
            assertThat(System.nanoTime()).as("a resolved notification").isLessThan(deadline);
            Thread.sleep(50);
        }
        int total = ops.requests().size();
        Receiver.Request resolved = ops.requests().get(total - 1);
        assertThat(alertOf(resolved, "cache_hit_ratio").get("change").asText()).isEqualTo("resolved");
        assertThat(Signatures.verify(HOOK_SECRET, resolved.body(), resolved.header(Signatures.HEADER))).isTrue();
        // every message before it was a firing one, numbered in order
        for (int i = 0; i < total - 1; i++) {
            assertThat(alertOf(ops.requests().get(i), "cache_hit_ratio").get("sequence").asInt()).isEqualTo(i + 1);
        }
        // resolved once, and no more reminders
        ops.assertNoMoreThan(total, Duration.ofMillis(2500));
    }

    @Test
    void threeAlertsOnOneInstanceFiringTogetherMakeOneMessage() throws Exception {
        start("groupWait: 1s\n  groupInterval: 300ms");
        Instant now = Instant.now();
        send(producer, topics.violations(),
                firingViolation("cache_hit_ratio", "db-2", "appdb", Severity.WARNING, now),
                firingViolation("dead_rows", "db-2", "public.orders", Severity.CRITICAL, now),
                firingViolation("connections_used", "db-2", "db-2", Severity.WARNING, now));

        Receiver.Request message = ops.await(1, WAIT).get(0);
        assertThat(rules(message)).containsExactly("dead_rows:new", "cache_hit_ratio:new", "connections_used:new");
        assertThat(message.json().get("summary").asText()).isEqualTo("[pgvigil] CRITICAL db-2: 3 alerts firing (dead_rows, cache_hit_ratio, connections_used)");
        ops.assertNoMoreThan(1, Duration.ofMillis(1500));
    }

    @Test
    void whileTheInstanceIsDownItsOtherAlertsWait() throws Exception {
        start("groupWait: 300ms\n  groupInterval: 200ms");
        Instant down = Instant.now();
        send(producer, topics.violations(),
                firingViolation("instance_down", "db-3", "db-3", Severity.CRITICAL, down),
                firingViolation("cache_hit_ratio", "db-3", "appdb", Severity.WARNING, down));

        Receiver.Request first = ops.await(1, WAIT).get(0);
        assertThat(rules(first)).containsExactly("instance_down:new");
        ops.assertNoMoreThan(1, Duration.ofMillis(800));

        send(producer, topics.violations(), resolvedViolation("instance_down", "db-3", "db-3", down, Instant.now()));
        Receiver.Request second = ops.await(2, WAIT).get(1);
        assertThat(rules(second)).containsExactly("cache_hit_ratio:new", "instance_down:resolved");
    }

    @Test
    void aSilencedAlertIsSentWhenItsSilenceEndsAndTheApiWantsItsToken() throws Exception {
        Alerter alerter = start("groupWait: 200ms\n  groupInterval: 200ms");
        String api = "http://127.0.0.1:" + alerter.httpAddress().orElseThrow().getPort();
        String silence = """
                {"matchers":[{"name":"rule","value":"dead_rows"},{"name":"instance","value":"db-4"}],
                 "duration":"3s","comment":"VACUUM FULL running","createdBy":"ana"}""";

        assertThat(post(api + "/api/silences", silence, null).statusCode()).isEqualTo(401);
        assertThat(post(api + "/api/silences", silence, "wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> created = post(api + "/api/silences", silence, API_TOKEN);
        assertThat(created.statusCode()).isEqualTo(201);
        String id = new ObjectMapper().readTree(created.body()).get("id").asText();

        send(producer, topics.violations(),
                firingViolation("dead_rows", "db-4", "public.orders", Severity.WARNING, Instant.now()),
                firingViolation("cache_hit_ratio", "db-4", "appdb", Severity.WARNING, Instant.now()));
        Receiver.Request unsilenced = ops.await(1, WAIT).get(0);
        assertThat(rules(unsilenced)).containsExactly("cache_hit_ratio:new");
        AlertView silenced = awaitAlert(alerter, "dead_rows");
        assertThat(silenced.silencedBy()).containsExactly(id);
        assertThat(silenced.notificationOwed()).isTrue();
        JsonNode listed = new ObjectMapper().readTree(get(api + "/api/alerts?instance=db-4").body());
        assertThat(listed).hasSize(2);

        // the silence ends while dead_rows still fires: it goes out then
        Receiver.Request afterSilence = ops.await(2, WAIT).get(1);
        assertThat(rules(afterSilence)).contains("dead_rows:new");
        assertThat(Instant.now()).isAfterOrEqualTo(Instant.parse(new ObjectMapper().readTree(created.body()).get("endsAt").asText()));

        // expiring needs the token too
        HttpResponse<String> other = post(api + "/api/silences", silence.replace("db-4", "db-44"), API_TOKEN);
        String otherId = new ObjectMapper().readTree(other.body()).get("id").asText();
        assertThat(delete(api + "/api/silences/" + otherId, null).statusCode()).isEqualTo(401);
        HttpResponse<String> expired = delete(api + "/api/silences/" + otherId, API_TOKEN);
        assertThat(expired.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(expired.body()).get("state").asText()).isEqualTo("expired");
        assertThat(delete(api + "/api/silences/no-such-id", API_TOKEN).statusCode()).isEqualTo(404);

        // every pgvigil service's health and metrics
        assertThat(get(api + "/health").statusCode()).isEqualTo(200);
        assertThat(get(api + "/metrics").body())
                .contains("pgvigil_alerter_deliveries_total{channel=\"ops\",outcome=\"delivered\",service=\"alerter\"}")
                .contains("pgvigil_alerter_alerts_firing");
    }

    @Test
    void aReceiverThatFailsThreeTimesGetsTheNotificationOnceAfterRetries() throws Exception {
        ops.failing(3);
        start("groupWait: 200ms\n  groupInterval: 200ms", "retry: {maxAttempts: 5, initialBackoff: 50ms, maxBackoff: 200ms}");
        send(producer, topics.violations(), firingViolation("dead_rows", "db-5", "public.orders", Severity.WARNING, Instant.now()));

        List<Receiver.Request> got = ops.await(4, WAIT);
        assertThat(got).extracting(Receiver.Request::answeredWith).containsExactly(503, 503, 503, 200);
        assertThat(got).extracting(r -> r.header("Idempotency-Key")).containsOnly(got.get(0).header("Idempotency-Key"));
        ops.assertNoMoreThan(4, Duration.ofMillis(1500));
        assertThat(KafkaFixtures.readAll(kafka, topics.notificationsDlq())).isEmpty();
    }

    @Test
    void aReceiverThatAlwaysFailsEndsInTheDeadLetterTopicAndTheOthersStillGetTheirs() throws Exception {
        start("groupWait: 200ms\n  groupInterval: 200ms",
                "routes:\n  - {match: {instance: db-6}, channels: [ops, broken]}");
        send(producer, topics.violations(), firingViolation("dead_rows", "db-6", "public.orders", Severity.WARNING, Instant.now()));

        assertThat(rules(ops.await(1, WAIT).get(0))).containsExactly("dead_rows:new");
        List<ConsumerRecord<byte[], byte[]>> dead = KafkaFixtures.awaitRecords(kafka, topics.notificationsDlq(), 1, WAIT);
        FailedNotification failed = Serdes.failedNotification().deserialize(topics.notificationsDlq(), dead.get(0).value());
        assertThat(failed.getChannel()).isEqualTo("broken");
        assertThat(failed.getInstanceId()).isEqualTo("db-6");
        assertThat(failed.getAttempts()).isEqualTo(3);
        assertThat(failed.getError()).isEqualTo("broken: HTTP 503: receiver unavailable");
        assertThat(new ObjectMapper().readTree(failed.getNotification()).get("alerts").get(0).get("rule").asText()).isEqualTo("dead_rows");
        assertThat(broken.requests()).hasSize(3);

        // the alerter goes on
        send(producer, topics.violations(), firingViolation("cache_hit_ratio", "db-7", "appdb", Severity.WARNING, Instant.now()));
        assertThat(rules(ops.await(2, WAIT).get(1))).containsExactly("cache_hit_ratio:new");
    }

    @Test
    void aPoisonViolationGoesToTheAlerterDeadLetterTopicAndTheNextOneIsSent() throws Exception {
        start("groupWait: 200ms\n  groupInterval: 200ms");
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topics.violations(), "db-8".getBytes(StandardCharsets.UTF_8), garbage)).get();
        send(producer, topics.violations(), firingViolation("dead_rows", "db-8", "public.orders", Severity.WARNING, Instant.now()));

        assertThat(rules(ops.await(1, WAIT).get(0))).containsExactly("dead_rows:new");
        ConsumerRecord<byte[], byte[]> dead = KafkaFixtures.awaitRecords(kafka, topics.alerterDlq(), 1, WAIT).get(0);
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(new String(dead.headers().lastHeader("pgvigil.error").value(), StandardCharsets.UTF_8)).contains("cannot decode Violation");
        assertThat(new String(dead.headers().lastHeader("pgvigil.source.topic").value(), StandardCharsets.UTF_8)).isEqualTo(topics.violations());
    }

    @Test
    void aRestartNeitherResendsWhatWasSentNorForgetsWhatFires() throws Exception {
        Alerter first = start("groupWait: 200ms\n  groupInterval: 200ms");
        Instant t0 = Instant.now();
        send(producer, topics.violations(), firingViolation("connections_used", "db-9", "db-9", Severity.CRITICAL, t0));
        ops.await(1, WAIT);
        awaitStamped(first, "connections_used");
        first.close();
        alerters.remove(first);

        Alerter second = start("groupWait: 200ms\n  groupInterval: 200ms");
        assertThat(awaitAlert(second, "connections_used").notificationCount()).isEqualTo(1);
        ops.assertNoMoreThan(1, Duration.ofMillis(1500));

        send(producer, topics.violations(), resolvedViolation("connections_used", "db-9", "db-9", t0, Instant.now()));
        Receiver.Request resolved = ops.await(2, WAIT).get(1);
        assertThat(rules(resolved)).containsExactly("connections_used:resolved");
        assertThat(alertOf(resolved, "connections_used").get("sequence").asInt()).isEqualTo(2);
    }

    @Test
    void twoAlertersShareTheInstancesAndTheOneLeftTakesOverWhatTheOtherOwned() throws Exception {
        String a = instanceOnPartition(0);
        String b = instanceOnPartition(1);
        Alerter first = start("groupWait: 200ms\n  groupInterval: 200ms");
        Alerter second = start("groupWait: 200ms\n  groupInterval: 200ms");
        Instant t0 = Instant.now();
        send(producer, topics.violations(),
                firingViolation("dead_rows", a, "public.orders", Severity.WARNING, t0),
                firingViolation("dead_rows", b, "public.orders", Severity.WARNING, t0));

        List<Receiver.Request> got = ops.await(2, WAIT);
        assertThat(got).extracting(r -> r.json().get("instance").asText()).containsExactlyInAnyOrder(a, b);
        ops.assertNoMoreThan(2, Duration.ofMillis(1000));
        // each alert is owned by exactly one of them
        AlertView ofA = awaitAlert(ownerOf(a, first, second), "dead_rows");
        Alerter ownerOfB = ownerOf(b, first, second);
        assertThat(ownerOf(a, first, second)).isNotSameAs(ownerOfB);
        assertThat(ofA.instance()).isEqualTo(a);
        awaitStamped(ownerOfB, "dead_rows");

        Alerter survivor = ownerOfB == first ? second : first;
        ownerOfB.close();
        alerters.remove(ownerOfB);
        send(producer, topics.violations(), resolvedViolation("dead_rows", b, "public.orders", t0, Instant.now()));
        Receiver.Request resolved = ops.await(3, WAIT).get(2);
        assertThat(resolved.json().get("instance").asText()).isEqualTo(b);
        assertThat(rules(resolved)).containsExactly("dead_rows:resolved");
        assertThat(survivor.alerts()).extracting(AlertView::instance).contains(a, b);
        ops.assertNoMoreThan(3, Duration.ofMillis(1000));
    }

    /** An instance id the default partitioner puts into {@code partition} of two. */
    private static String instanceOnPartition(int partition) {
        for (int i = 0; ; i++) {
            String id = "db-share-" + i;
            if (Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % 2 == partition) {
                return id;
            }
        }
    }

    private static Alerter ownerOf(String instance, Alerter... alerters) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Alerter alerter : alerters) {
                if (alerter.alerts().stream().anyMatch(v -> v.instance().equals(instance))) {
                    return alerter;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no alerter owns " + instance);
    }

    private static AlertView awaitAlert(Alerter alerter, String rule) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (AlertView a : alerter.alerts()) {
                if (a.rule().equals(rule)) {
                    return a;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + rule + " alert within " + WAIT);
    }

    private static void awaitStamped(Alerter alerter, String rule) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (awaitAlert(alerter, rule).notificationCount() == 0) {
            assertThat(System.nanoTime()).as(rule + " stamped as notified").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private HttpResponse<String> post(String url, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> delete(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).DELETE();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}

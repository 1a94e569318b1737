package dev.pgvigil.alerter;

import static dev.pgvigil.alerter.support.Alerts.firingViolation;
import static dev.pgvigil.alerter.support.Alerts.resolvedViolation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.alerter.config.AlerterConfig;
import dev.pgvigil.alerter.model.AlertView;
import dev.pgvigil.alerter.support.KafkaFixtures;
import dev.pgvigil.alerter.support.Receiver;
import dev.pgvigil.alerter.support.SharedKafka;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.schema.AlertState;
import dev.pgvigil.schema.Severity;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.TopicSetup;
import dev.pgvigil.schema.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerter is killed (SIGKILL, a separate JVM running {@code pgvigil alerter}) between receiving a
 * violation and sending its notification, and restarted: the notification still goes out, once. Killed
 * while the receiver is answering, the notification goes out again with the same idempotency key.
 */
@ExtendWith(SharedKafka.class)
class AlerterCrashTest {
    private static final String GROUP = "alerter-crash-test";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static Receiver receiver;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void setUp() {
        kafka = SharedKafka.kafka();
        receiver = new Receiver();
        producer = KafkaFixtures.producer(kafka);
        try (Admin admin = kafka.admin()) {
            TopicSetup.ensureAll(admin, 2, (short) 1);
        }
    }

    @AfterAll
    static void tearDown() {
        producer.close();
        receiver.close();
    }

    /** The configuration both the killed process and its successor use; only the group wait differs. */
    private static Path config(String name, String groupWait) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, """
                kafka:
                  bootstrapServers: %s
                  partitions: 2
                alerter:
                  groupWait: %s
                  groupInterval: 200ms
                  groupId: %s
                  # the same stable name: a restarted alerter takes over the killed one's partitions at once
                  groupInstanceId: alerter-1
                  webhooks: [{name: ops, url: "%s"}]
                  http: {port: 0}
                """.formatted(kafka.bootstrapServers(), groupWait, GROUP, receiver.url()));
        return file;
    }

    private static Process startProcess(Path config, String name) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "dev.pgvigil.alerter.cli.AlerterCommand", "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
    }

    private static Alerter startHere(Path config) throws Exception {
        ConfigFile file = ConfigFile.load(config);
        Alerter alerter = Alerter.start(file.section("kafka", KafkaSettings.class), file.section("alerter", AlerterConfig.class));
        assertThat(alerter.awaitReady(WAIT)).isTrue();
        return alerter;
    }

    private static void kill(Process process) throws InterruptedException {
        process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no goodbye to the group
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void killedBetweenReceivingAndSendingThenRestartedItSendsOnce() throws Exception {
        String fingerprint = "dead_rows|db-crash-1|public.orders";
        int before = receiver.requests().size();
        KafkaFixtures.send(producer, Topics.VIOLATIONS,
                firingViolation("dead_rows", "db-crash-1", "public.orders", Severity.CRITICAL, Instant.now()));

        // an hour's group wait: it takes the violation in, stores the alert, commits, and has sent nothing yet
        Process first = startProcess(config("slow", "1h"), "first");
        try {
            awaitCommitted();
            assertThat(storedAlert(fingerprint).getNotificationCount()).isZero();
            assertThat(receiver.requests()).hasSize(before);
        } finally {
            kill(first);
        }

        try (Alerter restarted = startHere(config("fast", "200ms"))) {
            Receiver.Request sent = receiver.await(before + 1, WAIT).get(before);
            assertThat(sent.json().get("alerts").get(0).get("fingerprint").asText()).isEqualTo(fingerprint);
            assertThat(sent.json().get("alerts").get(0).get("sequence").asInt()).isEqualTo(1);
            receiver.assertNoMoreThan(before + 1, Duration.ofMillis(1500));
            awaitNotified(restarted, "db-crash-1");
        }
        assertThat(storedAlert(fingerprint).getNotificationCount()).isEqualTo(1);
    }

    @Test
    void killedWhileTheReceiverAnswersItSendsAgainWithTheSameIdempotencyKey() throws Exception {
        int before = receiver.requests().size();
        KafkaFixtures.send(producer, Topics.VIOLATIONS,
                firingViolation("cache_hit_ratio", "db-crash-2", "appdb", Severity.WARNING, Instant.now()));
        receiver.holding();
        Process first = startProcess(config("fast-process", "200ms"), "second");
        Receiver.Request held;
        try {
            held = receiver.await(before + 1, WAIT).get(before);
        } finally {
            kill(first);
            receiver.release();
        }
        assertThat(held.json().get("instance").asText()).isEqualTo("db-crash-2");

        try (Alerter restarted = startHere(config("fast", "200ms"))) {
            Receiver.Request again = receiver.await(before + 2, WAIT).get(before + 1);
            assertThat(again.json().get("instance").asText()).isEqualTo("db-crash-2");
            assertThat(again.header("Idempotency-Key")).isEqualTo(held.header("Idempotency-Key"));
            // nothing else: in particular, what was delivered before the crashes is not sent again
            receiver.assertNoMoreThan(before + 2, Duration.ofMillis(1500));
            awaitNotified(restarted, "db-crash-2");
        }
    }

    /*
     * Killed while the receiver holds a notification, the alerter cannot know whether it arrived. If the
     * alert changes back before the restarted alerter's first flush (a group wait of 2 s makes sure it
     * does), the receiver may believe the opposite of what the log says was last announced; the restarted
     * alerter must tell it the current status.
     */

    @Test
    void killedWhileItsResolutionWasHeldAndFiringAgainSinceItAnnouncesTheFiring() throws Exception {
        String instance = "db-crash-3";
        String fingerprint = "dead_rows|" + instance + "|public.orders";
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        int before = receiver.requests().size();
        KafkaFixtures.send(producer, Topics.VIOLATIONS, firingViolation("dead_rows", instance, "public.orders", Severity.CRITICAL, t0));
        Process first = startProcess(config("fast-process", "200ms"), "third");
        try {
            awaitAlertSent(before, fingerprint, "firing", t0);
            awaitSettled(fingerprint, 1); // the firing was delivered and stamped
            receiver.holding();
            int beforeResolution = receiver.requests().size();
            KafkaFixtures.send(producer, Topics.VIOLATIONS, resolvedViolation("dead_rows", instance, "public.orders", t0, t0.plusSeconds(1)));
            awaitAlertSent(beforeResolution, fingerprint, "resolved", t0); // held: the receiver has it, the alerter never hears so
        } finally {
            kill(first);
            receiver.release();
        }
        Instant t2 = t0.plusSeconds(2); // the condition is back while no alerter runs: a new episode
        KafkaFixtures.send(producer, Topics.VIOLATIONS, firingViolation("dead_rows", instance, "public.orders", Severity.CRITICAL, t2));
        int beforeRestart = receiver.requests().size();
        try (Alerter restarted = startHere(config("restart", "2s"))) {
            awaitAlertSent(beforeRestart, fingerprint, "firing", t2);
            awaitSettled(fingerprint, 2);
        }
    }

    @Test
    void killedWhileItsFiringWasHeldAndResolvedSinceItAnnouncesTheResolution() throws Exception {
        String instance = "db-crash-4";
        String fingerprint = "dead_rows|" + instance + "|public.orders";
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        int before = receiver.requests().size();
        receiver.holding();
        KafkaFixtures.send(producer, Topics.VIOLATIONS, firingViolation("dead_rows", instance, "public.orders", Severity.CRITICAL, t0));
        Process first = startProcess(config("fast-process", "200ms"), "fourth");
        try {
            awaitAlertSent(before, fingerprint, "firing", t0);
        } finally {
            kill(first);
            receiver.release();
        }

        KafkaFixtures.send(producer, Topics.VIOLATIONS, resolvedViolation("dead_rows", instance, "public.orders", t0, t0.plusSeconds(1)));
        int beforeRestart = receiver.requests().size();
        try (Alerter restarted = startHere(config("restart", "2s"))) {
            // without it the receiver would show this alert firing for ever
            awaitAlertSent(beforeRestart, fingerprint, "resolved", t0);
            awaitSettled(fingerprint, 1);
        }
    }

    /** Waits for a request after the first {@code from} that carries the alert in {@code status} with {@code startsAt}. */
    private static Receiver.Request awaitAlertSent(int from, String fingerprint, String status, Instant startsAt) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<Receiver.Request> requests = receiver.requests();
            for (Receiver.Request r : requests.subList(Math.min(from, requests.size()), requests.size())) {
                for (var alert : r.json().get("alerts")) {
                    if (alert.get("fingerprint").asText().equals(fingerprint) && alert.get("status").asText().equals(status)
                            && Instant.parse(alert.get("startsAt").asText()).equals(startsAt)) {
                        return r;
                    }
                }
            }
            assertThat(System.nanoTime()).as(fingerprint + " sent as " + status + " from " + startsAt + "; got "
                    + requests.subList(Math.min(from, requests.size()), requests.size()).stream().map(Receiver.Request::text).toList())
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Waits until the stored alert was notified {@code count} times and has nothing pending (so the next test's alerter owes it nothing). */
    private static void awaitSettled(String fingerprint, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            AlertState stored = storedAlert(fingerprint);
            if (stored.getNotificationCount() == count && stored.getPendingStatus() == null) {
                return;
            }
            assertThat(System.nanoTime()).as(fingerprint + " stored as notified " + count + " times, nothing pending; is " + stored).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Waits until the alerter group has committed every violation written so far. */
    private static void awaitCommitted() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (Admin admin = kafka.admin()) {
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                long committedTotal = committed.entrySet().stream().filter(e -> e.getKey().topic().equals(Topics.VIOLATIONS))
                        .mapToLong(e -> e.getValue().offset()).sum();
                long written = KafkaFixtures.readAll(kafka, Topics.VIOLATIONS).size();
                if (committedTotal == written) {
                    return;
                }
                assertThat(System.nanoTime()).as("violations committed by the first alerter").isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    private static AlertState storedAlert(String fingerprint) {
        List<ConsumerRecord<byte[], byte[]>> records = KafkaFixtures.readAll(kafka, Topics.ALERTS);
        AlertState last = null;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (new String(r.key(), StandardCharsets.UTF_8).equals(fingerprint) && r.value() != null) {
                last = Serdes.alertState().deserialize(Topics.ALERTS, r.value());
            }
        }
        assertThat(last).as("alert state of " + fingerprint).isNotNull();
        return last;
    }

    private static void awaitNotified(Alerter alerter, String instance) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (alerter.alerts().stream().filter(a -> a.instance().equals(instance)).mapToInt(AlertView::notificationCount).sum() == 0) {
            assertThat(System.nanoTime()).as(instance + " stamped as notified").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}

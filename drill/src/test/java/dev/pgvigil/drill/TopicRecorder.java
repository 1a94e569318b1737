package dev.pgvigil.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.schema.FailedNotification;
import dev.pgvigil.schema.MetricBatch;
import dev.pgvigil.schema.MetricBatches;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.SnapshotStatus;
import dev.pgvigil.schema.Violation;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the drill counts, read from the topics as any downstream consumer would (read_committed, no consumer group,
 * from the beginning): envelopes on pgvigil.snapshots, batches on pgvigil.metrics, pgvigil.violations and
 * pgvigil.notifications.dlq, each with the wall-clock time it became visible here.
 */
final class TopicRecorder implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Envelope(String instance, String snapshotId, SnapshotStatus status, Instant collectedAt, Instant postmasterStart, Instant arrived) {
        boolean succeeded() {
            return status != SnapshotStatus.FAILED;
        }
    }

    /** A point's identity within its instance: metric name and labels. */
    record Point(String series, String name, double value) {}

    record Metrics(String instance, String snapshotId, Instant intervalEnd, Instant arrived, List<Point> points) {}

    record Transition(String fingerprint, String rule, String instance, String state, Instant startsAt, Instant observedAt, Instant arrived) {
        /** What an alert's idempotency key starts with: {@code fingerprint:STATE:startsAt}. */
        String key() {
            return fingerprint + ":" + state + ":" + startsAt.toEpochMilli();
        }
    }

    record DeadLetter(String messageKey, String instance, int attempts, List<String> alertKeys, Instant arrived) {}

    final List<Envelope> envelopes = new CopyOnWriteArrayList<>();
    final List<Metrics> metrics = new CopyOnWriteArrayList<>();
    final List<Transition> violations = new CopyOnWriteArrayList<>();
    final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    TopicRecorder(String bootstrapServers) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.SNAPSHOTS, Topics.METRICS, Topics.VIOLATIONS, Topics.NOTIFICATIONS_DLQ)) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::run, "drill-topic-recorder");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                Instant now = Instant.now();
                switch (r.topic()) {
                    case Topics.SNAPSHOTS -> {
                        SnapshotInfo i = Serdes.snapshotInfo().deserialize(r.topic(), r.value());
                        envelopes.add(new Envelope(i.getRef().getInstanceId(), i.getRef().getSnapshotId(), i.getStatus(),
                                i.getRef().getCollectedAt(), i.getPostmasterStartTime(), now));
                    }
                    case Topics.METRICS -> {
                        MetricBatch b = Serdes.metrics().deserialize(r.topic(), r.value());
                        List<Point> points = new ArrayList<>();
                        MetricBatches.forEachPoint(b, (name, labels, value) -> points.add(new Point(name + new TreeMap<>(labels), name, value)));
                        metrics.add(new Metrics(b.getInstanceId(), b.getSnapshotId(), b.getIntervalEnd(), now, points));
                    }
                    case Topics.VIOLATIONS -> {
                        Violation v = Serdes.violation().deserialize(r.topic(), r.value());
                        violations.add(new Transition(v.getFingerprint(), v.getRule(), v.getInstanceId(), v.getState().name(), v.getStartsAt(), v.getObservedAt(), now));
                    }
                    case Topics.NOTIFICATIONS_DLQ -> {
                        FailedNotification f = Serdes.failedNotification().deserialize(r.topic(), r.value());
                        deadLetters.add(new DeadLetter(f.getIdempotencyKey(), f.getInstanceId(), f.getAttempts(), alertKeys(f.getNotification()), now));
                    }
                    default -> throw new IllegalStateException(r.topic());
                }
            }
        }
        consumer.close();
    }

    private static List<String> alertKeys(String webhookJson) {
        try {
            List<String> keys = new ArrayList<>();
            JsonNode body = JSON.readTree(webhookJson);
            body.path("alerts").forEach(a -> keys.add(a.path("idempotencyKey").asText()));
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

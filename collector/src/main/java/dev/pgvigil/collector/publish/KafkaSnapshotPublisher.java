package dev.pgvigil.collector.publish;

import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.schema.kafka.Topics;
import dev.pgvigil.schema.kafka.TopicSetup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import dev.pgvigil.common.metrics.ServiceMeters;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes snapshots: every chunk first, acknowledged, then the envelope, so a consumer that sees a
 * SnapshotInfo can count on its chunks being there. One producer serves every target (it is thread-safe).
 */
public final class KafkaSnapshotPublisher implements AutoCloseable {
    /** The collector's topics: the envelopes and one per stats kind. */
    public static final List<String> TOPICS = topics();

    private final KafkaProducer<String, byte[]> producer;
    private final Duration sendTimeout;

    public KafkaSnapshotPublisher(KafkaSettings kafka, Duration sendTimeout) {
        this.producer = new KafkaProducer<>(producerProperties(kafka, sendTimeout), new StringSerializer(), new ByteArraySerializer());
        this.sendTimeout = sendTimeout;
    }

    /**
     * Our settings are defaults a pass-through property may override (say zstd instead of lz4), except
     * the ones correctness rests on: idempotence and acks=all.
     */
    static Map<String, Object> producerProperties(KafkaSettings kafka, Duration sendTimeout) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "pgvigil-collector");
        int timeoutMs = Math.toIntExact(sendTimeout.toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1000, timeoutMs / 2));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs + 10);
        props.putAll(kafka.clientProperties());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    /** Creates whichever collector topics are missing. */
    public static void ensureTopics(KafkaSettings kafka) {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            TopicSetup.ensure(admin, TopicSetup.all().stream().filter(s -> TOPICS.contains(s.name())).toList(),
                    kafka.topicPartitions(), kafka.topicReplicationFactor(), kafka.topicMinInsyncReplicas());
        }
    }

    /** Blocks until every record is acknowledged; throws with the reason otherwise. */
    public void publish(Publication publication) throws PublishException {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (OutRecord r : publication.chunks()) {
            sent.add(send(r));
        }
        await(sent);
        await(List.of(send(publication.envelope())));
    }

    private Future<RecordMetadata> send(OutRecord r) throws PublishException {
        try {
            return producer.send(new ProducerRecord<>(r.topic(), null, r.timestamp().toEpochMilli(), r.key(), r.bytes()));
        } catch (RuntimeException e) {
            throw new PublishException("cannot send to " + r.topic() + ": " + e.getMessage(), e);
        }
    }

    private void await(List<Future<RecordMetadata>> futures) throws PublishException {
        long deadline = System.nanoTime() + sendTimeout.toNanos() + TimeUnit.SECONDS.toNanos(5);
        for (Future<RecordMetadata> f : futures) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new PublishException("Kafka did not take the snapshot: " + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new PublishException("Kafka did not acknowledge the snapshot within " + sendTimeout.toSeconds() + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PublishException("interrupted while publishing", e);
            }
        }
    }

    /** The producer's own metrics (record send rate, errors, latency) join the service's /metrics. */
    public void bindMetrics(ServiceMeters meters) {
        meters.bindKafkaProducer(producer);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    private static List<String> topics() {
        List<String> topics = new ArrayList<>(Topics.STATS);
        topics.add(Topics.SNAPSHOTS);
        return List.copyOf(topics);
    }

    /** A snapshot that did not reach Kafka. */
    public static final class PublishException extends Exception {
        private static final long serialVersionUID = 1L;

        PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

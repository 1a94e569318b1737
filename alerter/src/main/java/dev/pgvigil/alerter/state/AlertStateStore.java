package dev.pgvigil.alerter.state;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.schema.AlertState;
import dev.pgvigil.schema.kafka.AvroSerde;
import dev.pgvigil.schema.kafka.Serdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alert state on the compacted pgvigil.alerts topic: each alert keyed by its fingerprint, in the
 * partition of the violations partition it came from, so {@link #load} of the partitions an alerter
 * was assigned gives it exactly the alerts it owns.
 */
public final class AlertStateStore {
    private static final Logger log = LoggerFactory.getLogger(AlertStateStore.class);

    private final String topic;
    private final Producer<byte[], byte[]> producer;
    private final AvroSerde<AlertState> serde = Serdes.alertState();

    public AlertStateStore(String topic, Producer<byte[], byte[]> producer) {
        this.topic = topic;
        this.producer = producer;
    }

    /** Completes when the broker has the write (exceptionally when it refused it). */
    public CompletableFuture<RecordMetadata> write(Alert alert) {
        CompletableFuture<RecordMetadata> written = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, alert.partition(), key(alert), serde.serialize(topic, AlertCodec.toState(alert))),
                (metadata, error) -> {
                    if (error != null) {
                        written.completeExceptionally(error);
                    } else {
                        written.complete(metadata);
                    }
                });
        return written;
    }

    /** A tombstone: compaction drops the alert for good. */
    public Future<RecordMetadata> delete(Alert alert) {
        return producer.send(new ProducerRecord<>(topic, alert.partition(), key(alert), null));
    }

    /** The alerts stored in {@code partitions}, as last written. An unreadable record is logged and skipped. */
    public List<Alert> load(Map<String, Object> clientProperties, Collection<Integer> partitions, Duration timeout) {
        Map<String, Alert> alerts = new HashMap<>();
        try (CompactedTopicReader reader = new CompactedTopicReader(clientProperties, topic, partitions)) {
            reader.readToEnd(timeout, record -> {
                String fingerprint = new String(record.key(), StandardCharsets.UTF_8);
                if (record.value() == null) {
                    alerts.remove(fingerprint);
                    return;
                }
                try {
                    alerts.put(fingerprint, AlertCodec.fromState(serde.deserialize(topic, record.value()), record.partition()));
                } catch (SerializationException e) {
                    log.error("skipping unreadable alert state {} at {}-{}@{}: {}", fingerprint, topic, record.partition(),
                            record.offset(), e.getMessage());
                }
            });
        }
        return new ArrayList<>(alerts.values());
    }

    private static byte[] key(Alert alert) {
        return alert.fingerprint().getBytes(StandardCharsets.UTF_8);
    }
}

package dev.pgvigil.alerter.notify;

import dev.pgvigil.alerter.channel.NotificationJson;
import dev.pgvigil.alerter.model.Notification;
import dev.pgvigil.schema.FailedNotification;
import dev.pgvigil.schema.kafka.AvroSerde;
import dev.pgvigil.schema.kafka.Serdes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Dead letters as {@code FailedNotification} records on pgvigil.notifications.dlq, keyed by instance. */
public final class DeadLetterTopic implements DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterTopic.class);

    private final String topic;
    private final Producer<byte[], byte[]> producer;
    private final AvroSerde<FailedNotification> serde = Serdes.failedNotification();

    public DeadLetterTopic(String topic, Producer<byte[], byte[]> producer) {
        this.topic = topic;
        this.producer = producer;
    }

    @Override
    public void failed(Notification n, int attempts, String error, Instant firstAttemptAt, Instant failedAt) {
        String body = NotificationJson.render(n);
        FailedNotification record = FailedNotification.newBuilder()
                .setIdempotencyKey(n.idempotencyKey())
                .setChannel(n.channel())
                .setInstanceId(n.instanceId())
                .setFingerprints(n.fingerprints())
                .setAttempts(attempts)
                .setError(error)
                .setFirstAttemptAt(firstAttemptAt)
                .setFailedAt(failedAt)
                .setNotification(body)
                .build();
        try {
            producer.send(new ProducerRecord<>(topic, n.instanceId().getBytes(StandardCharsets.UTF_8), serde.serialize(topic, record)))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the last place it can go: the log, whole, so a person can still act on it
            log.error("cannot write dead letter for {} to {} ({}); the notification was: {}", n.idempotencyKey(), topic, e.toString(), body);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

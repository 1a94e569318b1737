package dev.pgvigil.alerter;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.alerter.notify.GroupStage;
import dev.pgvigil.alerter.state.AlertBook;
import dev.pgvigil.alerter.state.AlertStateStore;
import dev.pgvigil.schema.Violation;
import dev.pgvigil.schema.kafka.AvroSerde;
import dev.pgvigil.schema.kafka.Serdes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a polled batch of violations into alert changes, and makes them durable before the batch
 * counts as read: changed alerts go to the alerts topic, unusable violations to the dead-letter topic,
 * and only once the broker has all of them are the violations' offsets committed. Runs on the loop thread.
 */
final class ViolationIntake {
    private static final Logger log = LoggerFactory.getLogger(ViolationIntake.class);

    private final AlerterClients clients;
    private final AlerterTopics topics;
    private final AlertStateStore states;
    private final AlertBook book;
    private final GroupStage groups;
    private final AlerterMeters meters;
    private final AvroSerde<Violation> violationSerde = Serdes.violation();

    ViolationIntake(AlerterClients clients, AlerterTopics topics, AlertStateStore states, AlertBook book, GroupStage groups,
            AlerterMeters meters) {
        this.clients = clients;
        this.topics = topics;
        this.states = states;
        this.book = book;
        this.groups = groups;
        this.meters = meters;
    }

    /** Applies a batch of violations, makes the changed alerts durable, then commits the batch. */
    void apply(ConsumerRecords<byte[], byte[]> records, Instant now) {
        List<Future<RecordMetadata>> writes = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
            Violation violation;
            try {
                violation = violationSerde.deserialize(record.topic(), record.value());
                if (violation == null) {
                    continue;
                }
                checkViolation(violation);
            } catch (SerializationException | IllegalArgumentException e) {
                log.error("violation at {}-{}@{} cannot be used, to {}: {}", record.topic(), record.partition(), record.offset(),
                        topics.alerterDlq(), e.getMessage());
                writes.add(deadLetter(record, e));
                meters.violation("dead_letter");
                continue;
            }
            Optional<Alert> changed = book.apply(violation, record.partition());
            changed.ifPresent(alert -> {
                writes.add(states.write(alert));
                groups.touch(alert.instanceId(), now);
                log.debug("{} {} {} on {} / {}", alert.status(), alert.severity(), alert.rule(), alert.instanceId(), alert.object());
            });
            meters.violation(changed.isPresent() ? "changed" : "unchanged");
        }
        clients.producer().flush();
        try {
            for (Future<RecordMetadata> write : writes) {
                write.get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            rewind(records);
            throw new IllegalStateException("cannot write alert state to " + topics.alerts() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rewind(records);
            throw new IllegalStateException("interrupted while writing alert state", e);
        }
        clients.consumer().commitSync(offsets);
    }

    private static void checkViolation(Violation v) {
        if (v.getFingerprint().isBlank() || v.getInstanceId().isBlank() || v.getRule().isBlank()) {
            throw new IllegalArgumentException("fingerprint, rule and instanceId must not be empty");
        }
    }

    /** After a failed write, reads the batch again (re-applying a violation is harmless). */
    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            clients.consumer().seek(tp, records.records(tp).get(0).offset());
        }
    }

    private Future<RecordMetadata> deadLetter(ConsumerRecord<byte[], byte[]> record, Exception error) {
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(topics.alerterDlq(), record.key(), record.value());
        dead.headers().add("pgvigil.error", String.valueOf(error.getMessage()).getBytes(StandardCharsets.UTF_8));
        dead.headers().add("pgvigil.source.topic", record.topic().getBytes(StandardCharsets.UTF_8));
        dead.headers().add("pgvigil.source.partition", String.valueOf(record.partition()).getBytes(StandardCharsets.UTF_8));
        dead.headers().add("pgvigil.source.offset", String.valueOf(record.offset()).getBytes(StandardCharsets.UTF_8));
        return clients.producer().send(dead);
    }
}

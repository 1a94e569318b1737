package dev.pgvigil.collector.fleet;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.schema.Target;
import dev.pgvigil.schema.TargetStatus;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.TopicSetup;
import dev.pgvigil.schema.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The fleet on pgvigil.targets, read whole (for {@code pgvigil targets list|apply} and a collector's start)
 * and changed record by record: a Target to add or replace one, a tombstone to remove one; and how each
 * target's collection goes, from pgvigil.targets.status (written by the collectors).
 */
public final class TargetsTopic {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaSettings kafka;

    public TargetsTopic(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    /**
     * Creates pgvigil.targets and pgvigil.targets.status (compacted, {@value TopicSetup#TARGETS_PARTITIONS}
     * partitions) if missing: a removal writes to both, even before any collector has run.
     */
    public void ensure() {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            TopicSetup.ensure(admin, TopicSetup.all().stream()
                            .filter(s -> s.name().equals(Topics.TARGETS) || s.name().equals(Topics.TARGETS_STATUS)).toList(),
                    kafka.topicPartitions(), kafka.topicReplicationFactor(), kafka.topicMinInsyncReplicas());
        }
    }

    /** Every target on the topic now, by id (the last record of each key wins; tombstones remove). */
    public Map<String, Target> read() {
        return readCompacted(Topics.TARGETS, Serdes.target().deserializer());
    }

    /**
     * The last status of every target some collector has collected, by target id (pgvigil.targets.status):
     * which collector, when, how long, and its last error. Only committed snapshots' statuses (read_committed).
     */
    public Map<String, TargetStatus> statuses() {
        return readCompacted(Topics.TARGETS_STATUS, Serdes.targetStatus().deserializer());
    }

    /** A compacted topic read to its end now, by key (the last record of each key wins; tombstones remove). */
    private <T> Map<String, T> readCompacted(String topic, Deserializer<T> values) {
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "pgvigil-targets-reader");
        Map<String, T> byKey = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                return byKey;
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, TIMEOUT) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read " + topic + " to its end within " + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        byKey.remove(r.key());
                    } else {
                        byKey.put(r.key(), values.deserialize(r.topic(), r.value()));
                    }
                }
            }
        }
        return byKey;
    }

    /** Carries out a plan, a removed target's status with it: every change acknowledged by Kafka before this returns. */
    public void write(TargetsPlan plan) {
        if (!plan.removals().isEmpty()) {
            ensure(); // the status topic, which no collector may have created yet
        }
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // one request at a time: on a topic created a moment ago, a first batch refused because its partition was not
        // open yet was overtaken by the next one, and the broker then refused the first one's retry as out of order
        // until the 30 s timeout (seen when a collector started with a broker that had just started)
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "pgvigil-targets-writer");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (Target t : plan.upserts()) {
                sent.add(producer.send(new ProducerRecord<>(Topics.TARGETS, t.getId(), Serdes.target().serializer().serialize(Topics.TARGETS, t))));
            }
            for (String id : plan.removals()) {
                sent.add(producer.send(new ProducerRecord<>(Topics.TARGETS, id, null)));
                // its owner removes the status after its last cycle, but an owner that is down never hears of the removal
                // (and the target's record may be compacted away before another collector takes the partition over)
                sent.add(producer.send(new ProducerRecord<>(Topics.TARGETS_STATUS, id, null)));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not take the change to " + Topics.TARGETS + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing " + Topics.TARGETS, e);
        }
    }

    /** Adds (or replaces) the file's targets without touching others: what a collector does with its YAML targets at start. */
    public TargetsPlan applyAdditive(List<TargetConfig> targets) {
        ensure();
        TargetsPlan plan = TargetsPlan.of(read(), targets, false);
        if (!plan.isEmpty()) {
            write(plan);
        }
        return plan;
    }
}

package dev.pgvigil.collector.fleet;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.schema.Target;
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
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The fleet on pgvigil.targets, read whole (for {@code pgvigil targets list|apply} and a collector's start)
 * and changed record by record: a Target to add or replace one, a tombstone to remove one.
 */
public final class TargetsTopic {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaSettings kafka;

    public TargetsTopic(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    /** Creates pgvigil.targets (compacted, {@value TopicSetup#TARGETS_PARTITIONS} partitions) if it is missing. */
    public void ensure() {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            TopicSetup.ensure(admin, TopicSetup.all().stream().filter(s -> s.name().equals(Topics.TARGETS)).toList(),
                    kafka.topicPartitions(), kafka.topicReplicationFactor(), kafka.topicMinInsyncReplicas());
        }
    }

    /** Every target on the topic now, by id (the last record of each key wins; tombstones remove). */
    public Map<String, Target> read() {
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "pgvigil-targets-reader");
        Map<String, Target> targets = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(Topics.TARGETS, TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                return targets;
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, TIMEOUT) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read " + Topics.TARGETS + " to its end within " + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        targets.remove(r.key());
                    } else {
                        targets.put(r.key(), Serdes.target().deserializer().deserialize(r.topic(), r.value()));
                    }
                }
            }
        }
        return targets;
    }

    /**
     * Which member of the collectors' group {@code groupId} holds each target now ("host clientId"),
     * from the group's assignment as Kafka reports it; a target of no member is absent.
     */
    public Map<String, String> owners(String groupId, java.util.Collection<String> targetIds) {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Map<Integer, String> byPartition = new HashMap<>();
            var group = admin.describeConsumerGroups(List.of(groupId)).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(groupId);
            if (group == null) {
                return Map.of();
            }
            for (var member : group.members()) {
                for (TopicPartition tp : member.assignment().topicPartitions()) {
                    if (tp.topic().equals(Topics.TARGETS)) {
                        byPartition.put(tp.partition(), member.host() + " " + member.clientId());
                    }
                }
            }
            int partitions = admin.describeTopics(List.of(Topics.TARGETS)).allTopicNames().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .get(Topics.TARGETS).partitions().size();
            Map<String, String> owners = new TreeMap<>();
            for (String id : targetIds) {
                // where the producer's default partitioner puts the key
                int p = BuiltInPartitioner.partitionForKey(id.getBytes(java.nio.charset.StandardCharsets.UTF_8), partitions);
                String owner = byPartition.get(p);
                if (owner != null) {
                    owners.put(id, owner);
                }
            }
            return owners;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                return Map.of(); // no collector has joined yet
            }
            throw new IllegalStateException("cannot describe the collectors' group " + groupId + ": " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot describe the collectors' group " + groupId + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Carries out a plan: every change acknowledged by Kafka before this returns. */
    public void write(TargetsPlan plan) {
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "pgvigil-targets-writer");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (Target t : plan.upserts()) {
                sent.add(producer.send(new ProducerRecord<>(Topics.TARGETS, t.getId(), Serdes.target().serializer().serialize(Topics.TARGETS, t))));
            }
            for (String id : plan.removals()) {
                sent.add(producer.send(new ProducerRecord<>(Topics.TARGETS, id, null)));
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

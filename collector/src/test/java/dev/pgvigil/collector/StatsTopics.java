package dev.pgvigil.collector;

import dev.pgvigil.collector.publish.KafkaSnapshotPublisher;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Test helper: reads everything the collector published, raw, from the start of every collector topic. */
final class StatsTopics implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();

    StatsTopics(String bootstrapServers) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), // snapshots are transactions
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : KafkaSnapshotPublisher.TOPICS) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Everything published so far: polls until the consumer has caught up. */
    synchronized List<ConsumerRecord<String, byte[]>> poll() {
        while (true) {
            var batch = consumer.poll(Duration.ofMillis(200));
            if (batch.isEmpty()) {
                return List.copyOf(records);
            }
            batch.forEach(records::add);
        }
    }

    List<SnapshotInfo> envelopes() {
        return poll().stream().filter(r -> r.topic().equals(Topics.SNAPSHOTS))
                .map(r -> Serdes.snapshotInfo().deserialize(r.topic(), r.value())).toList();
    }

    /** Waits for an envelope that matches, returning the first one (in arrival order). */
    SnapshotInfo await(Predicate<SnapshotInfo> wanted, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<SnapshotInfo> found = envelopes().stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
        }
        List<SnapshotInfo> got = envelopes();
        throw new AssertionError("no snapshot " + what + " within " + timeout + "; the last of " + got.size() + ": "
                + got.subList(Math.max(0, got.size() - 8), got.size()).stream()
                .map(i -> i.getRef().getInstanceId() + ":" + i.getStatus() + ":" + i.getWarnings() + ":" + i.getError()).toList());
    }

    /** The decoded records of one snapshot on one stats topic. */
    <T> List<T> chunks(String topic, String snapshotId, java.util.function.BiFunction<String, byte[], T> decode,
            java.util.function.Function<T, String> snapshotIdOf) {
        return poll().stream().filter(r -> r.topic().equals(topic)).map(r -> decode.apply(topic, r.value()))
                .filter(c -> snapshotId.equals(snapshotIdOf.apply(c))).toList();
    }

    /** Raw records of one snapshot on one topic, for size checks. */
    List<ConsumerRecord<String, byte[]>> raw(String topic) {
        return poll().stream().filter(r -> r.topic().equals(topic)).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}

package dev.pgvigil.alerter.state;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a state topic (compacted, keyed) from its beginning, without a consumer group: first up to
 * the end it has when reading starts ({@link #readToEnd}), then, for a follower, whatever arrives
 * ({@link #poll}). Records come in offset order per partition, so the last one per key wins.
 */
public final class CompactedTopicReader implements AutoCloseable {
    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;

    /** Reads {@code partitions} of {@code topic}, or all of them when {@code partitions} is null. */
    public CompactedTopicReader(Map<String, Object> clientProperties, String topic, Collection<Integer> partitions) {
        this.topic = topic;
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // every pgvigil consumer: no aborted record is state
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "pgvigil-state-" + topic);
        this.consumer = new KafkaConsumer<>(props);
        try {
            if (partitions == null) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
                if (infos == null || infos.isEmpty()) {
                    throw new IllegalStateException("topic " + topic + " does not exist");
                }
                this.partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            } else {
                this.partitions = partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
            }
            consumer.assign(this.partitions);
            consumer.seekToBeginning(this.partitions);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
    }

    /** Hands every record up to the current end of the partitions to {@code sink}; fails after {@code timeout}. */
    public void readToEnd(Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        while (!reached(end)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(sink);
        }
    }

    /** Hands whatever arrived within {@code timeout} to {@code sink}; returns quietly when woken up. */
    public void poll(Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        try {
            consumer.poll(timeout).forEach(sink);
        } catch (WakeupException e) {
            // close() is stopping the follower
        }
    }

    /** Makes a blocked {@link #poll} return; safe from any thread. */
    public void wakeup() {
        consumer.wakeup();
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < end.getOrDefault(tp, 0L)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}

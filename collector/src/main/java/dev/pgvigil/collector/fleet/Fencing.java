package dev.pgvigil.collector.fleet;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What binds a target's snapshot transaction to the group member that owns the target. */
public interface Fencing {
    /**
     * The group metadata and offsets to commit with {@code targetId}'s snapshot; null when this member
     * does not own the target (any more), so nothing may be published for it.
     */
    Fence fence(String targetId);

    /** @param metadata null: a transaction of its own, bound to no group (a target pinned to one collector) */
    record Fence(ConsumerGroupMetadata metadata, Map<TopicPartition, OffsetAndMetadata> offsets) {
        public static final Fence UNFENCED = new Fence(null, Map.of());

        public Fence {
            offsets = Map.copyOf(offsets);
        }
    }
}

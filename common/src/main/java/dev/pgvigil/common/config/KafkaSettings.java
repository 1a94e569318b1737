package dev.pgvigil.common.config;

import java.util.HashMap;
import java.util.Map;

/**
 * The {@code kafka} section: where the cluster is, and any client property passed through as is
 * (security.protocol, sasl.*, ssl.*, ...). Services add their own required settings on top.
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> properties, Integer partitions, Short replicationFactor,
                            Integer minInsyncReplicas) {
    public KafkaSettings {
        properties = properties == null ? Map.of() : Map.copyOf(properties);
        if (partitions != null && partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1");
        }
        if (replicationFactor != null && replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be at least 1");
        }
        if (minInsyncReplicas != null && (minInsyncReplicas < 1 || minInsyncReplicas > (replicationFactor == null ? 1 : replicationFactor))) {
            throw new IllegalArgumentException("minInsyncReplicas must be from 1 to replicationFactor (" + (replicationFactor == null ? 1 : replicationFactor) + ")");
        }
    }

    /** Without a min.insync.replicas of pgvigil's own: the brokers' default applies. */
    public KafkaSettings(String bootstrapServers, Map<String, String> properties, Integer partitions, Short replicationFactor) {
        this(bootstrapServers, properties, partitions, replicationFactor, null);
    }

    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Map.of(), null, null);
    }

    /** Partitions for pgvigil's topics when it creates them (default 3). */
    public int topicPartitions() {
        return partitions == null ? 3 : partitions;
    }

    /** min.insync.replicas for the topics pgvigil creates; null leaves the brokers' default. */
    public Integer topicMinInsyncReplicas() {
        return minInsyncReplicas;
    }

    public short topicReplicationFactor() {
        return replicationFactor == null ? 1 : replicationFactor;
    }

    /** Client properties: the pass-through ones, then bootstrap.servers. */
    public Map<String, Object> clientProperties() {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalStateException("kafka.bootstrapServers is not set");
        }
        Map<String, Object> props = new HashMap<>(properties);
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }
}

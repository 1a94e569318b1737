package dev.pgvigil.common.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code kafka} section: where the cluster is, and any client property passed through as is
 * (security.protocol, ssl.*, ...). Services add their own required settings on top. This is the one
 * place every service and command gets its Kafka client properties from ({@link #clientProperties()}).
 *
 * <p>Secrets never stand in the file: {@code sasl} names the password's environment variable or file,
 * and {@code propertiesEnv} / {@code propertiesFile} give any other secret property (say
 * {@code ssl.truststore.password}) from an environment variable or a file. A secret-looking property
 * in {@code properties} is refused, naming the key and its line.
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> properties, Integer partitions, Short replicationFactor,
                            Integer minInsyncReplicas, KafkaSasl sasl, Map<String, String> propertiesEnv, Map<String, Path> propertiesFile) {
    public KafkaSettings {
        properties = properties == null ? Map.of() : Map.copyOf(properties);
        propertiesEnv = propertiesEnv == null ? Map.of() : Map.copyOf(propertiesEnv);
        propertiesFile = propertiesFile == null ? Map.of() : Map.copyOf(propertiesFile);
        if (partitions != null && partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1");
        }
        if (replicationFactor != null && replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be at least 1");
        }
        if (minInsyncReplicas != null && (minInsyncReplicas < 1 || minInsyncReplicas > (replicationFactor == null ? 1 : replicationFactor))) {
            throw new IllegalArgumentException("minInsyncReplicas must be from 1 to replicationFactor (" + (replicationFactor == null ? 1 : replicationFactor) + ")");
        }
        for (String key : new TreeMap<>(properties).keySet()) {
            if (isSecret(key, properties.get(key))) {
                throw new ConfigKeyException(List.of("properties", key), "a secret is never given inline: name an environment variable in "
                        + "kafka.propertiesEnv." + key + ", or a file in kafka.propertiesFile." + key);
            }
            if (propertiesEnv.containsKey(key) || propertiesFile.containsKey(key)) {
                throw new ConfigKeyException(List.of("properties", key), "is also in kafka.propertiesEnv or kafka.propertiesFile: give it once");
            }
        }
        for (String key : propertiesEnv.keySet()) {
            if (propertiesFile.containsKey(key)) {
                throw new ConfigKeyException(List.of("propertiesEnv", key), "is also in kafka.propertiesFile: give it once");
            }
        }
        if (sasl != null) {
            for (String key : List.of("sasl.mechanism", "sasl.jaas.config")) {
                if (properties.containsKey(key) || propertiesEnv.containsKey(key) || propertiesFile.containsKey(key)) {
                    throw new ConfigKeyException(List.of("sasl"), "and the property " + key + " both say how to log in: keep kafka.sasl");
                }
            }
        }
    }

    /** Without SASL or secret properties. */
    public KafkaSettings(String bootstrapServers, Map<String, String> properties, Integer partitions, Short replicationFactor, Integer minInsyncReplicas) {
        this(bootstrapServers, properties, partitions, replicationFactor, minInsyncReplicas, null, null, null);
    }

    /** Without a min.insync.replicas of pgvigil's own: the brokers' default applies. */
    public KafkaSettings(String bootstrapServers, Map<String, String> properties, Integer partitions, Short replicationFactor) {
        this(bootstrapServers, properties, partitions, replicationFactor, null);
    }

    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Map.of(), null, null);
    }

    /** The same settings pointed at another cluster address (standalone's embedded brokers), topic settings as given. */
    public KafkaSettings withCluster(String bootstrapServers, Short replicationFactor, Integer minInsyncReplicas) {
        return new KafkaSettings(bootstrapServers, properties, partitions, replicationFactor, minInsyncReplicas, sasl, propertiesEnv, propertiesFile);
    }

    /**
     * Passwords, private keys and a JAAS configuration holding a password: values that must come from
     * {@code propertiesEnv} / {@code propertiesFile}. Kafka's own password-typed keys all end in
     * {@code password}, {@code .key} or {@code secret}.
     */
    static boolean isSecret(String key, String value) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        if (k.equals("sasl.jaas.config")) {
            return value != null && value.toLowerCase(java.util.Locale.ROOT).contains("password");
        }
        return k.endsWith("password") || k.endsWith(".key") || k.endsWith("secret");
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

    /**
     * Client properties: the pass-through ones, the secret ones read now from their environment variables
     * and files, SASL's login, then bootstrap.servers. The map holds secrets: never log it.
     */
    public Map<String, Object> clientProperties() {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalStateException("kafka.bootstrapServers is not set");
        }
        Map<String, Object> props = new HashMap<>(properties);
        propertiesEnv.forEach((key, env) -> props.put(key, Secret.fromEnv("kafka.propertiesEnv." + key, env).resolve()));
        propertiesFile.forEach((key, file) -> props.put(key, Secret.fromFile("kafka.propertiesFile." + key, file).resolve()));
        if (sasl != null) {
            props.putAll(sasl.clientProperties());
        }
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }
}

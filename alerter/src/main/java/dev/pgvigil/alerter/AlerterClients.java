package dev.pgvigil.alerter;

import dev.pgvigil.alerter.config.AlerterConfig;
import dev.pgvigil.common.config.KafkaSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerter's Kafka clients: an idempotent producer (alert state, dead letters) and a violations
 * consumer that commits by hand and reads only committed records. Opening checks the topics first.
 */
record AlerterClients(Map<String, Object> properties, KafkaProducer<byte[], byte[]> producer, KafkaConsumer<byte[], byte[]> consumer) {
    private static final Logger log = LoggerFactory.getLogger(AlerterClients.class);

    static AlerterClients open(KafkaSettings kafka, AlerterConfig config, AlerterTopics topics) {
        Map<String, Object> properties = kafka.clientProperties();
        checkTopics(properties, topics);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(properties));
        try {
            return new AlerterClients(properties, producer, new KafkaConsumer<>(consumerProperties(properties, config)));
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    /** Closes the consumer first: giving up its partitions flushes the producer. */
    void close(Duration timeout) {
        try {
            consumer.close(timeout);
        } catch (RuntimeException e) {
            log.warn("closing the violations consumer: {}", e.toString());
        }
        producer.close(timeout);
    }

    private static void checkTopics(Map<String, Object> properties, AlerterTopics topics) {
        List<String> names = List.of(topics.violations(), topics.alerts(), topics.silences(), topics.notificationsDlq(), topics.alerterDlq());
        try (Admin admin = Admin.create(properties)) {
            Map<String, TopicDescription> described = new HashMap<>();
            for (String name : names) {
                try {
                    described.put(name, admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name));
                } catch (ExecutionException e) {
                    throw new IllegalStateException("topic " + name + " is missing or unreadable (" + e.getCause().getMessage()
                            + "); `pgvigil alerter` creates pgvigil's topics at start");
                }
            }
            int violations = described.get(topics.violations()).partitions().size();
            int alerts = described.get(topics.alerts()).partitions().size();
            if (violations != alerts) {
                throw new IllegalStateException(topics.alerts() + " has " + alerts + " partitions but " + topics.violations() + " has "
                        + violations + ": the alerter keeps each alert in the partition its violations come from, so they must be equal");
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + properties.get("bootstrap.servers") + " did not answer within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topics", e);
        }
    }

    private static Map<String, Object> producerProperties(Map<String, Object> client) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "pgvigil-alerter-producer"); // not the consumer's id: one app-info meter each
        return props;
    }

    private static Map<String, Object> consumerProperties(Map<String, Object> client, AlerterConfig config) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        if (config.groupInstanceId() != null && !config.groupInstanceId().isBlank()) {
            props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.groupInstanceId());
        }
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a new alerter reads every violation still kept: better an old alert than a lost one
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // the analyzer writes with exactly-once: never act on a violation it took back
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "pgvigil-alerter");
        return props;
    }
}

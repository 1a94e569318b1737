package dev.pgvigil.alerter.support;

import dev.pgvigil.alerter.AlerterTopics;
import dev.pgvigil.alerter.state.CompactedTopicReader;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.schema.Violation;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.TopicSetup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Topics, producers and readers against the shared test broker. */
public final class KafkaFixtures {
    private KafkaFixtures() {}

    public static Map<String, Object> client(EmbeddedKafka kafka) {
        return Map.of("bootstrap.servers", kafka.bootstrapServers());
    }

    /** A fresh set of the alerter's topics, all with {@code partitions} partitions. */
    public static AlerterTopics topics(EmbeddedKafka kafka, String prefix, int partitions) {
        AlerterTopics t = new AlerterTopics(prefix + ".violations", prefix + ".alerts", prefix + ".silences",
                prefix + ".notifications.dlq", prefix + ".alerter.dlq");
        Map<String, String> compacted = Map.of("cleanup.policy", "compact");
        try (Admin admin = kafka.admin()) {
            TopicSetup.ensure(admin, List.of(
                    new TopicSetup.TopicSpec(t.violations(), Map.of()),
                    new TopicSetup.TopicSpec(t.alerts(), compacted),
                    new TopicSetup.TopicSpec(t.silences(), compacted),
                    new TopicSetup.TopicSpec(t.notificationsDlq(), Map.of()),
                    new TopicSetup.TopicSpec(t.alerterDlq(), Map.of())), partitions, (short) 1);
        }
        return t;
    }

    public static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.ACKS_CONFIG, "all"));
    }

    /** Publishes violations as the analyzer does: keyed by instance id. */
    public static void send(KafkaProducer<byte[], byte[]> producer, String topic, Violation... violations) throws Exception {
        for (Violation v : violations) {
            producer.send(new ProducerRecord<>(topic, v.getInstanceId().getBytes(StandardCharsets.UTF_8),
                    Serdes.violation().serialize(topic, v))).get(10, TimeUnit.SECONDS);
        }
    }

    /** Every record now in {@code topic}. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(EmbeddedKafka kafka, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (CompactedTopicReader reader = new CompactedTopicReader(client(kafka), topic, null)) {
            reader.readToEnd(Duration.ofSeconds(20), records::add);
        }
        return records;
    }

    /** Waits until {@code topic} holds at least {@code n} records; returns them. */
    public static List<ConsumerRecord<byte[], byte[]>> awaitRecords(EmbeddedKafka kafka, String topic, int n, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ConsumerRecord<byte[], byte[]>> records = readAll(kafka, topic);
            if (records.size() >= n) {
                return records;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " records in " + topic + " within " + timeout + ", got " + records.size());
            }
            Thread.sleep(100);
        }
    }
}

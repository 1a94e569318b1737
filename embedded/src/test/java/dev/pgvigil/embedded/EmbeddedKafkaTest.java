package dev.pgvigil.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

    @Test
    void producesAndConsumesAndKeepsTopicsAcrossRestart() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("pgvigil-kafka-test-");
        try {
            try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0, Map.of(), false)) {
                try (Admin admin = kafka.admin()) {
                    admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
                }
                try (var producer = new KafkaProducer<String, String>(Map.of(
                        "bootstrap.servers", kafka.bootstrapServers(), "acks", "all", "enable.idempotence", "true"),
                        new StringSerializer(), new StringSerializer())) {
                    producer.send(new ProducerRecord<>("t", "k", "hello")).get();
                }
                assertThat(readAll(kafka, "t")).containsExactly("hello");
            }
            // same folder, new process-level broker: the data is still there
            try (EmbeddedKafka again = EmbeddedKafka.start(dir, 0, Map.of(), true)) {
                try (Admin admin = again.admin()) {
                    assertThat(admin.listTopics().names().get()).contains("t");
                }
                assertThat(readAll(again, "t")).containsExactly("hello");
            }
            assertThat(dir).doesNotExist();
        } finally {
            Folders.deleteQuietly(dir);
        }
    }

    private static List<String> readAll(EmbeddedKafka kafka, String topic) {
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(), "group.id", "g-" + System.nanoTime(),
                "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            List<String> values = new java.util.ArrayList<>();
            while (values.isEmpty() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
            return values;
        }
    }
}

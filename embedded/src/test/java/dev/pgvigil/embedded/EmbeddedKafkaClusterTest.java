package dev.pgvigil.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes in a quorum: a topic with three replicas and two in sync survives one node's loss without losing a write,
 * whether the nodes share this JVM or each has its own.
 */
class EmbeddedKafkaClusterTest {

    /** What the scenario does to a cluster, wherever its nodes run. */
    private interface Crashable {
        String bootstrapServers();

        void crash(int nodeId);

        void restart(int nodeId);
    }

    @Test
    void aReplicatedTopicKeepsEveryAcknowledgedWriteWhileItsLeaderIsDownAndAfterItReturns() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporaryCluster(3)) {
            assertThat(kafka.brokers()).isEqualTo(3);
            everyAcknowledgedWriteOutlivesTheLeader(new Crashable() {
                public String bootstrapServers() {
                    return kafka.bootstrapServers();
                }

                public void crash(int nodeId) {
                    kafka.stopBroker(nodeId);
                    assertThat(kafka.isRunning(nodeId)).isFalse();
                }

                public void restart(int nodeId) {
                    kafka.startBroker(nodeId);
                }
            });
        }
    }

    /** The same with every node a JVM of its own, its leader killed with SIGKILL: it recovers its logs on restart. */
    @Test
    void aNodeInItsOwnJvmKilledWithSigkillLosesNoAcknowledgedWrite(@TempDir Path dir) throws Exception {
        try (BrokerProcess.Cluster cluster = BrokerProcess.Cluster.start(dir, 3, "384m")) {
            everyAcknowledgedWriteOutlivesTheLeader(new Crashable() {
                public String bootstrapServers() {
                    return cluster.bootstrapServers();
                }

                public void crash(int nodeId) {
                    cluster.kill9(nodeId);
                }

                public void restart(int nodeId) {
                    cluster.restart(nodeId);
                }
            });
        }
    }

    private static void everyAcknowledgedWriteOutlivesTheLeader(Crashable kafka) throws Exception {
        try (Admin admin = EmbeddedKafka.admin(kafka.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("t", 1, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        List<String> acknowledged = new ArrayList<>();
        try (var producer = producer(kafka)) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>("t", "k", "before-" + i)).get(30, TimeUnit.SECONDS);
                acknowledged.add("before-" + i);
            }
            int leader = partition(kafka).leader().id();
            kafka.crash(leader);
            for (int i = 0; i < 50; i++) { // two replicas are still in sync: acks=all writes go on
                producer.send(new ProducerRecord<>("t", "k", "during-" + i)).get(60, TimeUnit.SECONDS);
                acknowledged.add("during-" + i);
            }
            assertThat(partition(kafka).leader().id()).isNotEqualTo(leader);

            kafka.restart(leader);
            awaitIsr(kafka, 3);
            producer.send(new ProducerRecord<>("t", "k", "after")).get(30, TimeUnit.SECONDS);
            acknowledged.add("after");
        }
        assertThat(readAll(kafka, "t", acknowledged.size())).containsExactlyElementsOf(acknowledged);
    }

    @Test
    void aClusterOfZeroOrTenIsRefused() {
        assertThatThrownBy(() -> EmbeddedKafka.startTemporaryCluster(0)).hasMessageContaining("1 to 9 brokers");
        assertThatThrownBy(() -> EmbeddedKafka.startTemporaryCluster(10)).hasMessageContaining("1 to 9 brokers");
    }

    private static TopicPartitionInfo partition(Crashable kafka) throws Exception {
        try (Admin admin = EmbeddedKafka.admin(kafka.bootstrapServers())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                TopicDescription d = admin.describeTopics(List.of("t")).allTopicNames().get(20, TimeUnit.SECONDS).get("t");
                TopicPartitionInfo p = d.partitions().get(0);
                if (p.leader() != null && p.leader().id() >= 0 || System.nanoTime() > deadline) {
                    return p;
                }
                Thread.sleep(200);
            }
        }
    }

    private static void awaitIsr(Crashable kafka, int size) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (partition(kafka).isr().size() < size) {
            assertThat(System.nanoTime()).as("the restarted node rejoins the in-sync replicas").isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    private static KafkaProducer<String, String> producer(Crashable kafka) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all", "enable.idempotence", "true",
                "delivery.timeout.ms", "60000", "request.timeout.ms", "10000"), new StringSerializer(), new StringSerializer());
    }

    private static List<String> readAll(Crashable kafka, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "group.id", "reader", "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }
}

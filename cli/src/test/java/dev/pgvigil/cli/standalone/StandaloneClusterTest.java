package dev.pgvigil.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvigil.embedded.demo.DemoDatabase;
import dev.pgvigil.schema.kafka.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pgvigil standalone --brokers 3}: replicated topics, and the pipeline goes on when a broker dies. */
class StandaloneClusterTest {

    @Test
    void onThreeBrokersTheTopicsHaveThreeReplicasAndThePipelineOutlivesOneBroker() throws Exception {
        try (Standalone standalone = Standalone.start(new Standalone.Options(null, null, 0, DemoDatabase.Scale.SMALL, 0, 3),
                new PrintWriter(new StringWriter(), true))) {
            try (Admin admin = standalone.kafka().admin()) {
                TopicDescription snapshots = admin.describeTopics(List.of(Topics.SNAPSHOTS)).allTopicNames().get(30, TimeUnit.SECONDS).get(Topics.SNAPSHOTS);
                assertThat(snapshots.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, Topics.METRICS);
                Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
                assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
            }
            awaitRecordsAfter(standalone.kafka().bootstrapServers(), Topics.METRICS, 0, Duration.ofSeconds(120));

            // the node leading the metrics topic's first partition dies; two copies of everything remain in sync
            int leader;
            try (Admin admin = standalone.kafka().admin()) {
                leader = admin.describeTopics(List.of(Topics.METRICS)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(Topics.METRICS).partitions().get(0).leader().id();
            }
            standalone.kafka().stopBroker(leader);
            long killedAt = System.currentTimeMillis();

            // the collector still publishes and the analyzer still consumes and writes
            awaitRecordsAfter(standalone.kafka().bootstrapServers(), Topics.SNAPSHOTS, killedAt, Duration.ofSeconds(120));
            awaitRecordsAfter(standalone.kafka().bootstrapServers(), Topics.METRICS, killedAt, Duration.ofSeconds(120));
        }
    }

    @Test
    void aReplicationFactorTheClusterCannotGiveIsRefusedNamingTheKey(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("pgvigil.yaml"), "kafka:\n  replicationFactor: 5\n  minInsyncReplicas: 2\n");
        StringWriter progress = new StringWriter();
        assertThatThrownBy(() -> Standalone.start(new Standalone.Options(config, null, 0, DemoDatabase.Scale.SMALL, 0, 3),
                new PrintWriter(progress, true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kafka.replicationFactor is 5")
                .hasMessageContaining("3 broker(s)");
        assertThat(progress.toString()).doesNotContain("Starting collector");
    }

    /** Waits for a record on {@code topic} written after {@code afterMillis} (by its timestamp). */
    private static void awaitRecordsAfter(String bootstrap, String topic, long afterMillis, Duration timeout) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
                "group.id", "cluster-test-" + System.nanoTime(), "auto.offset.reset", "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(Set.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.timestamp() > afterMillis) {
                        return;
                    }
                }
            }
        }
        throw new AssertionError("no record on " + topic + " after " + afterMillis + " within " + timeout);
    }
}

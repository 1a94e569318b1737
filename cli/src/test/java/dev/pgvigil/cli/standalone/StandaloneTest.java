package dev.pgvigil.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.embedded.demo.DemoDatabase;
import dev.pgvigil.schema.Finding;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.SnapshotStatus;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

class StandaloneTest {

    @Test
    void theDemoIsCollectedAndEverythingStopsOnClose() throws Exception {
        StringWriter progress = new StringWriter();
        int kafkaPort;
        int demoPort;
        String demoPassword;
        try (Standalone standalone = Standalone.start(
                new Standalone.Options(null, null, 0, DemoDatabase.Scale.SMALL), new PrintWriter(progress, true))) {
            kafkaPort = Integer.parseInt(standalone.bootstrapServers().replaceAll(".*:", ""));
            demoPort = Integer.parseInt(standalone.demoTarget().jdbcUrl().replaceAll(".*:(\\d+)/.*", "$1"));
            demoPassword = standalone.demoTarget().password();

            SnapshotInfo info = firstOkSnapshot(standalone.bootstrapServers(), Duration.ofSeconds(60));
            assertThat(info.getRef().getInstanceId()).isEqualTo(DemoTargets.INSTANCE_ID);
            assertThat(info.getStatementsAvailable()).isTrue();
            assertThat(info.getDatabase()).isEqualTo(DemoDatabase.DATABASE);

            // the analyzer runs too: the planted duplicate index becomes a finding
            Finding duplicate = firstFinding(standalone.bootstrapServers(), "duplicate_index", Duration.ofSeconds(90));
            assertThat(duplicate.getInstance()).isEqualTo(DemoTargets.INSTANCE_ID);
            assertThat(duplicate.getObject()).contains("orders_status_idx");
            assertThat(duplicate.getRecommendation()).contains("DROP INDEX");
        }
        assertThat(progress.toString())
                .contains("Starting Kafka broker", "Starting demo PostgreSQL", "Starting collector", "Starting analyzer", "Starting alerter")
                .doesNotContain(demoPassword);
        assertThat(listening(kafkaPort)).as("broker stopped").isFalse();
        assertThat(listening(demoPort)).as("demo PostgreSQL stopped").isFalse();
    }

    private static SnapshotInfo firstOkSnapshot(String bootstrap, Duration timeout) {
        var serde = Serdes.snapshotInfo();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
                "group.id", "standalone-test", "auto.offset.reset", "earliest"), new StringDeserializer(), serde.deserializer())) {
            consumer.subscribe(Set.of(Topics.SNAPSHOTS));
            long deadline = System.nanoTime() + timeout.toNanos();
            List<SnapshotInfo> seen = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, SnapshotInfo> r : consumer.poll(Duration.ofMillis(500))) {
                    seen.add(r.value());
                    if (r.value().getStatus() == SnapshotStatus.OK) {
                        return r.value();
                    }
                }
            }
            throw new AssertionError("no OK snapshot within " + timeout + "; saw " + seen);
        }
    }

    private static Finding firstFinding(String bootstrap, String kind, Duration timeout) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
                "group.id", "standalone-test-findings", "auto.offset.reset", "earliest"), new StringDeserializer(),
                Serdes.finding().deserializer())) {
            consumer.subscribe(Set.of(Topics.FINDINGS));
            long deadline = System.nanoTime() + timeout.toNanos();
            List<String> seen = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Finding> r : consumer.poll(Duration.ofMillis(500))) {
                    seen.add(r.value().getKind() + " " + r.value().getObject());
                    if (r.value().getKind().equals(kind)) {
                        return r.value();
                    }
                }
            }
            throw new AssertionError("no " + kind + " finding within " + timeout + "; saw " + seen);
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}

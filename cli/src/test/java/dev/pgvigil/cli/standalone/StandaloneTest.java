package dev.pgvigil.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.embedded.demo.DemoDatabase;
import dev.pgvigil.schema.Finding;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.SnapshotStatus;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import java.io.StringWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    void aConfigWithoutTargetsRunsTheDemoAndEverythingStopsOnClose(@TempDir Path dir) throws Exception {
        // as --help says: a configuration without collector targets watches the built-in demo
        Path config = Files.writeString(dir.resolve("pgvigil.yaml"), "alerter:\n  httpEnabled: false\n");
        StringWriter progress = new StringWriter();
        Path run;
        int kafkaPort;
        int demoPort;
        String demoPassword;
        URI dashboardUri;
        try (Standalone standalone = Standalone.start(
                new Standalone.Options(config, null, 0, DemoDatabase.Scale.SMALL, 0), new PrintWriter(progress, true))) {
            // its own folder, not the set of all: other tests run standalone at the same time
            run = standalone.runFolder();
            assertThat(run).as("its folder is under the user's cache, not the OS temp folder").startsWith(Standalone.cacheFolder()).isDirectory();
            assertThat(runFolders()).contains(run);
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

            // the dashboard's API answers from the analyzer's state: the demo instance is up
            dashboardUri = standalone.dashboardUri();
            JsonNode demo = awaitFleetEntry(dashboardUri, DemoTargets.INSTANCE_ID, Duration.ofSeconds(30));
            assertThat(demo.get("status").asText()).isEqualTo("UP");
            assertThat(demo.get("lastSnapshotAt").isNull()).isFalse();
        }
        assertThat(progress.toString()).contains("Dashboard: " + dashboardUri);
        assertThat(listening(dashboardUri.getPort())).as("dashboard stopped").isFalse();
        assertThat(progress.toString())
                .contains("Starting Kafka broker", "Starting demo PostgreSQL", "Starting collector", "Starting analyzer", "Starting alerter")
                .doesNotContain(demoPassword);
        assertThat(listening(kafkaPort)).as("broker stopped").isFalse();
        assertThat(listening(demoPort)).as("demo PostgreSQL stopped").isFalse();
        assertThat(progress.toString()).contains("No collector targets in " + config + ": watching the built-in demo.");
        assertThat(run).as("its folder is removed").doesNotExist();
    }

    @Test
    void aBadConfigStopsItBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("pgvigil.yaml"), "collector:\n  intervalSeconds: 0\n");
        StringWriter progress = new StringWriter();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Standalone.start(
                        new Standalone.Options(config, null, 0, DemoDatabase.Scale.SMALL, 0), new PrintWriter(progress, true)))
                .isInstanceOf(dev.pgvigil.common.config.ConfigException.class) // exit 2 through Main, as every bad configuration
                .hasMessageContaining("pgvigil.yaml:2").hasMessageContaining("intervalSeconds");
        assertThat(progress.toString()).doesNotContain("Starting");
    }

    /** The run folders of standalone processes of this user (other runs' included). */
    static java.util.Set<Path> runFolders() throws java.io.IOException {
        Path cache = Standalone.cacheFolder();
        if (!Files.isDirectory(cache)) {
            return java.util.Set.of();
        }
        try (var files = Files.list(cache)) {
            return files.filter(p -> p.getFileName().toString().startsWith("standalone-"))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    private static JsonNode awaitFleetEntry(URI dashboard, String id, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(dashboard.resolve("/api/fleet")).build(), HttpResponse.BodyHandlers.ofString());
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200) {
                for (JsonNode i : new ObjectMapper().readTree(r.body()).get("instances")) {
                    if (i.get("id").asText().equals(id) && !i.get("lastSnapshotAt").isNull()) {
                        return i;
                    }
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("instance " + id + " not in /api/fleet within " + timeout + "; last answer: " + last);
    }

    @Test
    void aBusyDashboardPortStopsItBeforeAnythingStarts() throws Exception {
        StringWriter progress = new StringWriter();
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Standalone.start(
                            new Standalone.Options(null, null, 0, DemoDatabase.Scale.SMALL, busy.getLocalPort()), new PrintWriter(progress, true)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("127.0.0.1:" + busy.getLocalPort())
                    .hasMessageContaining("--http-port");
        }
        assertThat(progress.toString()).doesNotContain("Starting");
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

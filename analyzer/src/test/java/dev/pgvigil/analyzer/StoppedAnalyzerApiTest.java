package dev.pgvigil.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.analyzer.query.AnalyzerService;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.http.HttpSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.embedded.Folders;
import dev.pgvigil.schema.kafka.TopicSetup;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * The API of an analyzer whose streams have stopped (failed, or shut down) says so with the documented
 * 503, not a 500: a hostile probe that put the analyzer in ERROR got 500 from /api/fleet.
 */
class StoppedAnalyzerApiTest {
    @Test
    void everyReadAnswers503WithTheStateOnceTheStreamsStop() throws Exception {
        Path work = Files.createTempDirectory("pgvigil-stopped-");
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
            try (Admin admin = kafka.admin()) {
                TopicSetup.ensureAll(admin, 1, (short) 1);
            }
            KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), Map.of(), 1, (short) 1);
            AnalyzerConfig config = AnalyzerConfig.defaults().withStateDir(work.resolve("state"));
            try (AnalyzerService service = AnalyzerService.start(settings, config, HttpSettings.loopback(0))) {
                KafkaStreams streams = service.analyzer().streams();
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertThat(get(service, "/api/fleet").statusCode()).isEqualTo(200);

                streams.close(Duration.ofSeconds(30));
                HttpResponse<String> fleet = get(service, "/api/fleet");
                assertThat(fleet.statusCode()).isEqualTo(503);
                assertThat(fleet.body()).contains("not running (Kafka Streams state NOT_RUNNING)");
                assertThat(get(service, "/api/instances/demo").statusCode()).isEqualTo(503);
            }
        } finally {
            Folders.deleteQuietly(work);
        }
    }

    private static HttpResponse<String> get(AnalyzerService service, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(service.dashboardUri().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

package dev.pgvigil.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.common.metrics.ServiceMeters;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** /health and /metrics of a service, with Kafka client meters bound (no broker needed for a client's own meters). */
class ServiceEndpointsTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @Test
    void healthAndPrometheusMetrics() throws Exception {
        AtomicBoolean kafkaUp = new AtomicBoolean(true);
        HealthChecks health = new HealthChecks()
                .register("kafka", () -> kafkaUp.get() ? HealthChecks.Check.up("RUNNING") : HealthChecks.Check.down("ERROR"))
                .register("flaky", () -> HealthChecks.Check.up("ok"));
        Map<String, Object> producerProps = Map.of("bootstrap.servers", "127.0.0.1:1", "client.id", "meters-test");
        try (ServiceMeters meters = new ServiceMeters("testsvc");
             KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());
             HttpApiServer server = HttpApiServer.start(HttpSettings.loopback(0),
                     ServiceEndpoints.addTo(new Router(), health, meters.registry()), BearerToken.none(), meters.registry())) {
            meters.bindKafkaProducer(producer);
            meters.registry().counter("pgvigil.test.deliveries").increment(3);

            HttpResponse<String> up = CLIENT.send(HttpRequest.newBuilder(server.baseUri().resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(up.statusCode()).isEqualTo(200);
            JsonNode report = new ObjectMapper().readTree(up.body());
            assertThat(report.get("status").asText()).isEqualTo("UP");
            assertThat(report.at("/checks/kafka/detail").asText()).isEqualTo("RUNNING");
            assertThat(report.get("checkedAt").asText()).endsWith("Z");

            kafkaUp.set(false);
            health.register("flaky", () -> {
                throw new IllegalStateException("jdbc:postgresql://x?password=secret");
            });
            HttpResponse<String> down = CLIENT.send(HttpRequest.newBuilder(server.baseUri().resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(down.statusCode()).isEqualTo(503);
            JsonNode downReport = new ObjectMapper().readTree(down.body());
            assertThat(downReport.get("status").asText()).isEqualTo("DOWN");
            assertThat(downReport.at("/checks/flaky/detail").asText()).isEqualTo("check failed: IllegalStateException");
            assertThat(down.body()).doesNotContain("secret");

            HttpResponse<String> metrics = CLIENT.send(HttpRequest.newBuilder(server.baseUri().resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValue(ServiceEndpoints.PROMETHEUS_TEXT);
            assertThat(metrics.body())
                    .contains("# TYPE pgvigil_test_deliveries_total counter")
                    .containsPattern("pgvigil_test_deliveries_total\\{service=\"testsvc\"} 3\\.0")
                    .contains("jvm_memory_used_bytes")
                    .contains("pgvigil_http_requests_seconds_count{method=\"GET\",route=\"/health\",service=\"testsvc\",status=\"200\"}")
                    .containsPattern("kafka_producer_[a-z_]+\\{[^}]*client_id=\"meters-test\"");
        }
    }
}

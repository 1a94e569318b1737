package dev.pgvigil.alerter.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.alerter.state.SilenceStore;
import dev.pgvigil.alerter.support.KafkaFixtures;
import dev.pgvigil.alerter.support.SharedKafka;
import dev.pgvigil.common.http.BearerToken;
import dev.pgvigil.common.http.HealthChecks;
import dev.pgvigil.common.http.HttpApiServer;
import dev.pgvigil.common.http.HttpSettings;
import dev.pgvigil.common.http.Router;
import dev.pgvigil.common.http.ServiceEndpoints;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.embedded.HostileRequests;
import dev.pgvigil.schema.kafka.TopicSetup;
import dev.pgvigil.schema.kafka.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The alerter's API (its real routes, silences on a real broker) under hostile requests: each gets a 4xx,
 * nothing is stored, and the server answers /health afterwards.
 */
@ExtendWith(SharedKafka.class)
class AlerterHostileRequestsTest {
    private static final String TOKEN = "alerter-hostile-token";

    @Test
    void everyHostileRequestGetsA4xxAndTheServerStaysUp() throws Exception {
        EmbeddedKafka kafka = SharedKafka.kafka();
        try (Admin admin = kafka.admin()) {
            TopicSetup.ensureAll(admin, 2, (short) 1);
        }
        HealthChecks health = new HealthChecks().register("alerter", () -> HealthChecks.Check.up("RUNNING"));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (SilenceStore silences = SilenceStore.open(KafkaFixtures.client(kafka), Topics.SILENCES, true, Duration.ofSeconds(30))) {
            int before = silences.all().size();
            Router router = ServiceEndpoints.addTo(new AlerterApi(List::of, silences, Clock.systemUTC()).addTo(new Router()), health, registry);
            try (HttpApiServer server = HttpApiServer.start(HttpSettings.loopback(0), router, BearerToken.of(TOKEN), registry)) {
                HostileRequests hostile = new HostileRequests(new InetSocketAddress("127.0.0.1", server.port()), "localhost", TOKEN);

                List<HostileRequests.Answer> answers = hostile.throwAll("/api/silences", "/api/alerts", "/api/silences",
                        "/api/alerts?instance=%00%ff%2e%2e&limit=-99999999999999999999");

                assertThat(answers).hasSize(17).allSatisfy(a -> assertThat(a.refused()).as(a.probe() + " answered " + a.status()).isTrue());
                assertThat(hostile.get("/health")).isEqualTo(200);
                assertThat(hostile.get("/api/silences")).isEqualTo(200);
                assertThat(silences.all()).hasSize(before);
            }
        }
    }
}

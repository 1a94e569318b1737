package dev.pgvigil.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.common.http.HealthChecks;
import dev.pgvigil.common.http.HttpSettings;
import dev.pgvigil.common.metrics.ServiceMeters;
import dev.pgvigil.embedded.HostileRequests;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analyzer's dashboard API (its real routes and static files, on data generated for three instances)
 * under hostile requests: each gets a 4xx and the server answers /health afterwards.
 */
class HostileRequestsApiTest {
    private static final String TOKEN = "hostile-test-token";

    @Test
    void everyHostileRequestGetsA4xxAndTheServerStaysUp(@TempDir Path dir) throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Clock clock = Clock.fixed(Instant.parse("2025-03-10T12:00:30Z"), ZoneOffset.UTC);
        HealthChecks health = new HealthChecks().register("analyzer", () -> HealthChecks.Check.up("RUNNING"));
        try (ServiceMeters meters = new ServiceMeters("hostile-test");
             WebServer server = new WebServer(HttpSettings.loopback(0).withTokenFile(tokenFile), FleetGenerator.generate(3, clock, 1),
                     meters.registry(), health, clock).start()) {
            String id = FleetGenerator.id(0);
            HostileRequests hostile = new HostileRequests(new InetSocketAddress("127.0.0.1", server.baseUri().getPort()), "localhost", TOKEN);

            List<HostileRequests.Answer> answers = hostile.throwAll("/vendor/uplot", "/api/fleet", "/api/instances/" + id + "/baselines",
                    "/api/instances/" + id + "/series?metric=tps&from=99999999999999999999999&to=-1e999&top=2147483648");

            assertThat(answers).hasSize(17).allSatisfy(a -> assertThat(a.refused()).as(a.probe() + " answered " + a.status()).isTrue());
            assertThat(hostile.get("/health")).isEqualTo(200);
            assertThat(hostile.get("/api/fleet")).isEqualTo(200);
        }
    }
}

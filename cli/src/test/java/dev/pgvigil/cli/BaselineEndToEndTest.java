package dev.pgvigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.advisor.baseline.BaselineCommand;
import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.query.AnalyzerService;
import dev.pgvigil.collector.Collector;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.http.HttpSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.embedded.LocalPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * One writer of pgvigil.baselines, end to end: a real PostgreSQL watched by the collector, a KRaft broker,
 * the analyzer with its HTTP API. {@code pgvigil baseline create --instance-id} asks the analyzer for a
 * baseline and returns once it is published; it shows on the dashboard API; a second one requested through
 * the API joins it (before, the command wrote the topic itself, the dashboard never saw that baseline and
 * the analyzer's next write overwrote it).
 */
class BaselineEndToEndTest {
    private static final String INSTANCE = "baseline-e2e";
    private static final String TOKEN = "e2e-token";
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    record Run(int exitCode, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = new CommandLine(new BaselineCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aBaselineFromTheCommandLineAndOneFromTheApiAreBothOnTheDashboard() throws Exception {
        Path work = Files.createTempDirectory("pgvigil-e2e-baselines-");
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary(); LocalPostgres pg = LocalPostgres.start()) {
            pg.createDatabase("shop");
            pg.execute("shop", "CREATE TABLE orders (id int PRIMARY KEY, note text)",
                    "INSERT INTO orders SELECT g, repeat('x', 100) FROM generate_series(1, 5000) g");
            Files.writeString(work.resolve("pw"), pg.superuserPassword());
            Files.writeString(work.resolve("token"), TOKEN);
            ConfigFile file = ConfigFile.parse("e2e.yaml", """
                    kafka:
                      bootstrapServers: %s
                      partitions: 2
                    collector:
                      intervalSeconds: 2
                      fullSnapshotEvery: 1
                      targets:
                        - id: %s
                          url: jdbc:postgresql://127.0.0.1:%d/shop
                          user: postgres
                          passwordFile: %s
                    analyzer:
                      applicationId: analyzer-baselines-e2e
                      stateDir: %s
                    """.formatted(kafka.bootstrapServers(), INSTANCE, pg.port(), work.resolve("pw"), work.resolve("state")));
            KafkaSettings kafkaSettings = file.section("kafka", KafkaSettings.class);
            try (AnalyzerService analyzer = AnalyzerService.start(kafkaSettings, file.section("analyzer", AnalyzerConfig.class),
                    new HttpSettings(null, 0, null, work.resolve("token"), null, null));
                 Collector collector = new Collector(file.section("collector", CollectorConfig.class), kafkaSettings)) {
                assertThat(analyzer.analyzer().awaitRunning(Duration.ofSeconds(90))).isTrue();
                collector.start();
                URI api = analyzer.dashboardUri();
                awaitTrue(() -> status(api, "/api/instances/" + INSTANCE) == 200, Duration.ofSeconds(90), "the analyzer knows the instance");

                // from the command line: the request goes to the analyzer, the command waits until it is published
                // no --target: with Kafka the analyzer takes the baseline, the command needs no database
                Run create = cli("create", "--bootstrap-servers", kafka.bootstrapServers(), "--instance-id", INSTANCE,
                        "--name", "from-cli", "--wait", "60s", "--json");
                assertThat(create.exitCode()).as(create.err()).isZero();
                JsonNode created = json.readTree(create.out());
                assertThat(created.path("name").asText()).isEqualTo("from-cli");
                assertThat(created.path("metrics").path("table_count").asDouble()).isGreaterThanOrEqualTo(1);
                assertThat(created.path("tables").toString()).contains("public.orders");

                // the dashboard sees it at once: the analyzer's store is what it published
                assertThat(names(get(api, "/api/instances/" + INSTANCE + "/baselines"))).containsExactly("from-cli");

                // another through the analyzer's API: both are kept
                HttpResponse<String> posted = http.send(HttpRequest.newBuilder(api.resolve("/api/instances/" + INSTANCE + "/baselines"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"from-api\"}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
                awaitTrue(() -> names(get(api, "/api/instances/" + INSTANCE + "/baselines")).size() == 2, Duration.ofSeconds(30),
                        "the second baseline is listed");
                assertThat(names(get(api, "/api/instances/" + INSTANCE + "/baselines"))).containsExactly("from-cli", "from-api");

                // the command line reads the same two (read_committed: once the analyzer's transaction commits,
                // up to its commit interval after its store has it), and compares with the analyzer's comparison
                awaitTrue(() -> {
                    try {
                        return names(json.readTree(cli("show", "--bootstrap-servers", kafka.bootstrapServers(), "--instance-id",
                                INSTANCE, "--json").out())).size() == 2;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }, Duration.ofSeconds(30), "the command line reads both baselines");
                Run show = cli("show", "--bootstrap-servers", kafka.bootstrapServers(), "--instance-id", INSTANCE, "--json");
                assertThat(show.exitCode()).as(show.err()).isZero();
                assertThat(names(json.readTree(show.out()))).containsExactly("from-cli", "from-api");
                JsonNode compare = get(api, "/api/instances/" + INSTANCE + "/baselines/from-cli/compare");
                assertThat(compare.path("baseline").asText()).isEqualTo("from-cli");
                assertThat(compare.path("tables").toString()).contains("public.orders");

                // an invalid name is refused before it is sent
                Run bad = cli("create", "--bootstrap-servers", kafka.bootstrapServers(), "--instance-id", INSTANCE, "--name", "a/b");
                assertThat(bad.exitCode()).isEqualTo(2);
                assertThat(bad.err()).contains("--name");

                // which instance, when neither says it
                Run nameless = cli("show", "--bootstrap-servers", kafka.bootstrapServers(), "--json");
                assertThat(nameless.exitCode()).isEqualTo(2);
                assertThat(nameless.err()).contains("--target").contains("--instance-id");
                // and a file-backed baseline still needs its database
                Run noDatabase = cli("create", "--file", work.resolve("baselines.json").toString(), "--instance-id", INSTANCE);
                assertThat(noDatabase.exitCode()).isEqualTo(2);
                assertThat(noDatabase.err()).contains("--target");
            }
        } finally {
            dev.pgvigil.embedded.Folders.deleteQuietly(work);
        }
    }

    private static List<String> names(JsonNode list) {
        return StreamSupport.stream(list.spliterator(), false).map(b -> b.path("name").asText()).toList();
    }

    private JsonNode get(URI api, String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(api.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
            return json.readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(path, e);
        }
    }

    private int status(URI api, String path) {
        try {
            return http.send(HttpRequest.newBuilder(api.resolve(path)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    interface Check {
        boolean ok();
    }

    private static void awaitTrue(Check check, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out waiting: " + what);
    }
}

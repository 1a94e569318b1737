package dev.pgvigil.alerter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.alerter.model.Silence;
import dev.pgvigil.alerter.state.SilenceStore;
import dev.pgvigil.alerter.support.KafkaFixtures;
import dev.pgvigil.alerter.support.SharedKafka;
import dev.pgvigil.common.ExitCodes;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.schema.kafka.TopicSetup;
import dev.pgvigil.schema.kafka.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pgvigil silence add|list|expire} against a real broker, and what an alerter sees of it. */
@ExtendWith(SharedKafka.class)
class SilenceCommandTest {
    private static EmbeddedKafka kafka;

    private record Run(int exitCode, String out, String err) {}

    @BeforeAll
    static void topics() {
        kafka = SharedKafka.kafka();
        try (Admin admin = kafka.admin()) {
            TopicSetup.ensureAll(admin, 2, (short) 1);
        }
    }

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command)
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                // as the pgvigil command does: a bad argument or configuration is exit code 2 with the message
                .setExecutionExceptionHandler((e, c, parsed) -> {
                    c.getErr().println("pgvigil: " + e.getMessage());
                    return ExitCodes.USAGE_OR_CONNECTION;
                });
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void addListAndExpireASilenceThatEveryAlerterSees() throws Exception {
        String bootstrap = kafka.bootstrapServers();
        try (SilenceStore alerterView = SilenceStore.open(KafkaFixtures.client(kafka), Topics.SILENCES, true, Duration.ofSeconds(30))) {
            Run added = run(new SilenceCommand(), "add", "--bootstrap-servers", bootstrap, "--instance", "db-cli-1",
                    "--rule-regex", "dead_rows|cache_hit_ratio", "--for", "2h", "--comment", "VACUUM FULL tonight", "--author", "ana");
            assertThat(added.exitCode()).as(added.err()).isZero();
            assertThat(added.out()).matches("(?s)Silence [0-9a-f-]{36} added: rule=~\"dead_rows\\|cache_hit_ratio\", instance=\"db-cli-1\" until .* \\(2 h 00 min\\)\\n");
            String id = added.out().substring("Silence ".length(), "Silence ".length() + 36);

            // an alerter following the topic has it within moments
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (alerterView.get(id).isEmpty()) {
                assertThat(System.nanoTime()).as("the alerter sees the new silence").isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(alerterView.get(id).orElseThrow().comment()).isEqualTo("VACUUM FULL tonight");

            Run list = run(new SilenceCommand(), "list", "--bootstrap-servers", bootstrap);
            assertThat(list.out()).startsWith("ID        STATE   MATCHERS");
            assertThat(list.out()).contains(id.substring(0, 8) + "  active  rule=~\"dead_rows|cache_hit_ratio\", instance=\"db-cli-1\"");
            assertThat(list.out()).contains("ana  VACUUM FULL tonight");

            Run json = run(new SilenceCommand(), "list", "--bootstrap-servers", bootstrap, "--json");
            JsonNode silences = new ObjectMapper().readTree(json.out());
            JsonNode mine = find(silences, id);
            assertThat(mine.get("state").asText()).isEqualTo("active");
            assertThat(mine.get("matchers").get(0).get("regex").asBoolean()).isTrue();

            Run expired = run(new SilenceCommand(), "expire", "--bootstrap-servers", bootstrap, id.substring(0, 8));
            assertThat(expired.exitCode()).as(expired.err()).isZero();
            assertThat(expired.out()).startsWith("Silence " + id + " expired");
            deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (alerterView.get(id).orElseThrow().isActive(java.time.Instant.now())) {
                assertThat(System.nanoTime()).as("the alerter sees the silence end").isLessThan(deadline);
                Thread.sleep(50);
            }

            assertThat(run(new SilenceCommand(), "list", "--bootstrap-servers", bootstrap).out()).doesNotContain(id.substring(0, 8));
            JsonNode all = new ObjectMapper().readTree(run(new SilenceCommand(), "list", "--bootstrap-servers", bootstrap, "--all", "--json").out());
            assertThat(find(all, id).get("state").asText()).isEqualTo(Silence.State.EXPIRED.name().toLowerCase());
        }
    }

    @Test
    void mistakesAreExitCodeTwoWithAMessage(@TempDir Path dir) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        Run nothing = run(new SilenceCommand(), "add", "--bootstrap-servers", bootstrap, "--for", "1h", "--comment", "x");
        assertThat(nothing.exitCode()).isEqualTo(ExitCodes.USAGE_OR_CONNECTION);
        assertThat(nothing.err()).contains("say what to silence");

        Run noEnd = run(new SilenceCommand(), "add", "--bootstrap-servers", bootstrap, "--rule", "dead_rows", "--comment", "x");
        assertThat(noEnd.exitCode()).isEqualTo(ExitCodes.USAGE_OR_CONNECTION);
        assertThat(noEnd.err()).contains("--for=DURATION", "--until=TIME");

        Run badDuration = run(new SilenceCommand(), "add", "--bootstrap-servers", bootstrap, "--rule", "dead_rows", "--for", "2 hours", "--comment", "x");
        assertThat(badDuration.err()).contains("'2 hours' is not a duration");

        Run unknown = run(new SilenceCommand(), "expire", "--bootstrap-servers", bootstrap, "no-such-silence");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE_OR_CONNECTION);
        assertThat(unknown.err()).contains("no silence no-such-silence");

        Path config = dir.resolve("pgvigil.yaml");
        Files.writeString(config, "kafka:\n  bootstrapServers: " + bootstrap + "\nalerter:\n  groupWait: soon\n");
        StringWriter err = new StringWriter();
        int code = AlerterCommand.commandLine().setErr(new PrintWriter(err)).execute("--config", config.toString());
        assertThat(code).isEqualTo(ExitCodes.USAGE_OR_CONNECTION);
        assertThat(err.toString()).contains(config + ":4: alerter.groupWait: 'soon' is not a duration");
    }

    private static JsonNode find(JsonNode silences, String id) {
        for (JsonNode s : silences) {
            if (s.get("id").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no silence " + id + " in " + silences);
    }
}

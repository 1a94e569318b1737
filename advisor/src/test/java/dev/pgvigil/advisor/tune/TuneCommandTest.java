package dev.pgvigil.advisor.tune;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.advisor.testing.Cli;
import dev.pgvigil.advisor.testing.Shop;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Shop.class)
class TuneCommandTest {
    static Cli.Result tune(String... more) {
        List<String> a = new ArrayList<>(List.of(Shop.target(Shop.DATABASE)));
        a.addAll(List.of(more));
        return Cli.run(new TuneCommand(), a.toArray(String[]::new));
    }

    @Test
    void comparesWithTheCurrentSettingsAndPrintsAlterSystem() throws Exception {
        Cli.Result r = tune("--ram", "16", "--cpus", "4", "--json");
        // the test cluster runs with shared_buffers = 16MB: 256 times below the recommended 4GB
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        JsonNode root = new ObjectMapper().readTree(r.out());
        JsonNode sb = StreamSupport.stream(root.path("settings").spliterator(), false)
                .filter(s -> s.path("name").asText().equals("shared_buffers")).findFirst().orElseThrow();
        assertThat(sb.path("current").asText()).isEqualTo("16MB");
        assertThat(sb.path("recommended").asText()).isEqualTo("4GB");
        assertThat(sb.path("change").asBoolean()).isTrue();
        assertThat(sb.path("needsRestart").asBoolean()).isTrue();
        JsonNode conns = StreamSupport.stream(root.path("settings").spliterator(), false)
                .filter(s -> s.path("name").asText().equals("max_connections")).findFirst().orElseThrow();
        assertThat(conns.path("recommended").asText()).isEqualTo("50"); // the server's own max_connections
        assertThat(conns.path("change").asBoolean()).isFalse();
        assertThat(root.path("alterSystem").toString()).contains("ALTER SYSTEM SET shared_buffers = '4GB';");
        JsonNode finding = StreamSupport.stream(root.path("findings").spliterator(), false)
                .filter(f -> f.path("object").asText().equals("shared_buffers")).findFirst().orElseThrow();
        assertThat(finding.path("kind").asText()).isEqualTo("config");
        assertThat(finding.path("severity").asText()).isEqualTo("WARNING");

        Cli.Result human = tune("--ram", "16", "--cpus", "4", "--workload", "oltp");
        assertThat(human.out()).contains("shared_buffers").contains("change (restart)").contains("ALTER SYSTEM SET")
                .contains("oltp workload, 50 connections");
    }

    @Test
    void aLocalTargetDefaultsToThisMachineAndARemoteOneNeedsTheHardware() {
        Cli.Result local = tune("--json");
        assertThat(local.exitCode()).as(local.err()).isIn(0, 1);
        assertThat(local.out()).contains("\"cpus\" : " + Runtime.getRuntime().availableProcessors());
        Cli.Result remote = Cli.run(new TuneCommand(), "--target", "jdbc:postgresql://db.example.invalid:5432/app", "--user", "x");
        assertThat(remote.exitCode()).isEqualTo(2);
        assertThat(remote.err()).contains("--ram and --cpus are required");
        assertThat(tune("--workload", "gaming").exitCode()).isEqualTo(2);
    }
}

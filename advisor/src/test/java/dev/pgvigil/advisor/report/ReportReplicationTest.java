package dev.pgvigil.advisor.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.advisor.testing.Cli;
import dev.pgvigil.embedded.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code pgvigil report}'s Replication and WAL section on a real primary (archive_command failing) and its
 * streaming standby (replay paused while the primary wrote), read as a pg_monitor role.
 */
class ReportReplicationTest {
    static final ObjectMapper JSON = new ObjectMapper();

    private static Cli.Result report(LocalPostgres pg, Path password, String... more) {
        List<String> args = new ArrayList<>(List.of("--target", pg.jdbcUrl("postgres"), "--user", "monitor", "--password-file",
                password.toString()));
        args.addAll(List.of(more));
        return Cli.run(new ReportCommand(), args.toArray(String[]::new));
    }

    private static List<String> findings(JsonNode root) {
        return StreamSupport.stream(root.path("findings").spliterator(), false)
                .map(f -> f.path("kind").asText() + " " + f.path("object").asText() + " " + f.path("severity").asText()).toList();
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {15, 18})
    void aPrimaryAndItsStandbyEachHaveTheirSection(int major, @TempDir Path dir) throws Exception {
        try (LocalPostgres primary = LocalPostgres.start(major, new LocalPostgres.Options(List.of("archive_mode = on",
                "archive_command = 'false'")));
             LocalPostgres standby = primary.startStandby("standby_a", LocalPostgres.Options.defaults())) {
            primary.execute("postgres", "CREATE ROLE monitor LOGIN PASSWORD 'monitor-pw' IN ROLE pg_monitor", "CREATE TABLE t (x int)",
                    "INSERT INTO t SELECT generate_series(1, 1000)", "SELECT pg_switch_wal()");
            awaitTrue(primary, "SELECT failed_count > 0 FROM pg_stat_archiver");
            awaitTrue(standby, "SELECT count(*) = 1 FROM pg_class WHERE relname = 't'");
            standby.execute("postgres", "SELECT pg_wal_replay_pause()");
            primary.execute("postgres", "INSERT INTO t SELECT generate_series(1, 100000)");
            awaitTrue(standby, "SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()");
            Path password = Files.writeString(dir.resolve("pw"), "monitor-pw");
            Path config = Files.writeString(dir.resolve("pgvigil.yaml"), """
                    analyzer:
                      rules:
                        thresholds:
                          replication_lag_bytes: { warning: 1048576 }
                    """);

            Cli.Result p = report(primary, password, "--json", "--config", config.toString());
            assertThat(p.exitCode()).as(p.err()).isEqualTo(1);
            JsonNode section = JSON.readTree(p.out()).path("replication");
            assertThat(section.path("role").asText()).isEqualTo("primary");
            assertThat(section.path("walPosition").asText()).matches("[0-9A-F]+/[0-9A-F]+");
            assertThat(section.path("standbys").get(0).path("name").asText()).isEqualTo("standby_a");
            assertThat(section.path("standbys").get(0).path("notReplayedBytes").asLong()).isGreaterThan(1024 * 1024);
            assertThat(section.path("slots").get(0).path("active").asBoolean()).isTrue();
            assertThat(section.path("archiver").path("failing").asBoolean()).isTrue();
            assertThat(section.path("checkpoints").path("over").asText()).isEqualTo("since the statistics were reset");
            String instance = JSON.readTree(p.out()).path("instance").asText();
            assertThat(findings(JSON.readTree(p.out()))).contains("archiver_failing " + instance + " CRITICAL",
                    "replication_lag standby standby_a WARNING");

            Cli.Result s = report(standby, password, "--json");
            assertThat(s.exitCode()).as(s.err()).isIn(0, 1);
            JsonNode standbySection = JSON.readTree(s.out()).path("replication");
            assertThat(standbySection.path("role").asText()).as(s.err()).isEqualTo("standby");
            assertThat(standbySection.path("systemIdentifier").asLong()).isEqualTo(section.path("systemIdentifier").asLong());
            assertThat(standbySection.path("replayPaused").asBoolean()).isTrue();
            assertThat(standbySection.path("walReceiver").asText()).startsWith("streaming from ").endsWith("over slot standby_a");
            assertThat(standbySection.path("received").asText()).isNotEqualTo(standbySection.path("replayed").asText());

            Cli.Result human = report(primary, password);
            assertThat(human.out()).contains("Replication and WAL: primary (system ", "standby_a", "archive_mode on", "FAILING since",
                    "archiver_failing");
            Cli.Result humanStandby = report(standby, password);
            assertThat(humanStandby.out()).contains("Replication and WAL: standby", "(replay PAUSED)", "WAL receiver");
        }
    }

    private static void awaitTrue(LocalPostgres pg, String sql) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try (Connection c = pg.connect("postgres"); ResultSet rs = c.createStatement().executeQuery(sql)) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
            }
            assertThat(System.nanoTime()).as(sql + " within 30 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}

package dev.pgvigil.collector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.embedded.LocalPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SnapshotCommandTest {
    @TempDir
    static Path dir;
    static LocalPostgres pg;
    static Path passwordFile;

    @BeforeAll
    static void start() throws Exception {
        pg = LocalPostgres.start();
        pg.execute("postgres", "CREATE EXTENSION pg_stat_statements",
                "CREATE TABLE invoices (id int PRIMARY KEY, total numeric)",
                "INSERT INTO invoices SELECT i, i * 1.5 FROM generate_series(1, 500) i");
        passwordFile = dir.resolve("pw");
        Files.writeString(passwordFile, pg.superuserPassword());
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new SnapshotCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void humanSummaryHasAlignedSections() {
        Run r = run("--target", pg.jdbcUrl("postgres"), "--user", "postgres", "--password-file", passwordFile.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Status      OK in ", "Databases (", "Top statements by total time", "Largest tables",
                "public.invoices", "Largest indexes", "invoices_pkey", "Activity: ", "Settings: ", "Replication: primary (system ",
                "  checkpoints: ");
        assertThat(r.out()).doesNotContain("\u001b["); // no colour codes when not on a terminal
        java.util.List<String> lines = r.out().lines().toList();
        int headerAt = lines.indexOf(lines.stream().filter(l -> l.contains("DATABASE") && l.contains("SIZE")).findFirst().orElseThrow());
        int sizeEnd = lines.get(headerAt).indexOf("SIZE") + "SIZE".length() - 1;
        java.util.List<String> rows = lines.subList(headerAt + 2, lines.size()).stream().takeWhile(l -> !l.isBlank()).toList();
        assertThat(rows).extracting(l -> l.strip().split(" ")[0]).contains("postgres", "template1");
        // the size column is right-aligned: every cell ends under the header's last letter
        assertThat(rows).allSatisfy(l -> assertThat(l.charAt(sizeEnd)).isEqualTo('B'));
        assertThat(rows).allSatisfy(l -> assertThat(l.charAt(sizeEnd + 1)).isEqualTo(' '));
    }

    @Test
    void jsonHasEveryRecordByTopic() throws Exception {
        Run r = run("--target", "postgresql://postgres@127.0.0.1:" + pg.port() + "/postgres", "--password-file", passwordFile.toString(),
                "--json", "--id", "local");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.at("/pgvigil.snapshots/0/status").asText()).isEqualTo("OK");
        assertThat(json.at("/pgvigil.snapshots/0/ref/instanceId").asText()).isEqualTo("local");
        assertThat(json.at("/pgvigil.stats.tables/0/tables/0/tableName").asText()).isEqualTo("invoices");
        assertThat(json.at("/pgvigil.stats.tables/0/tables/0/nLiveTup").isNumber()).isTrue();
        assertThat(json.at("/pgvigil.stats.activity/0/maxConnections").asInt()).isEqualTo(100);
        assertThat(json.at("/pgvigil.stats.replication/0/inRecovery").isBoolean()).isTrue();
        assertThat(json.at("/pgvigil.stats.replication/0/currentLsn").asLong()).isPositive();
        assertThat(r.out()).doesNotContain(pg.superuserPassword());
    }

    @Test
    void connectionFailureExitsWithTwoAndARedactedMessage() {
        Run r = run("--target", "postgresql://postgres:not-the-password@127.0.0.1:" + pg.port() + "/postgres");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("password authentication failed").doesNotContain("not-the-password");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(run("--target", "mysql://h/db").exitCode()).isNotZero();
        assertThat(run("--password-env", "A", "--password-file", "B", "--target", "postgresql://u@h/db").exitCode()).isEqualTo(2);
    }
}

package dev.pgvigil.collector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CollectorCommandTest {
    private static int run(Path config, StringWriter err) {
        return new CommandLine(new CollectorCommand()).setErr(new PrintWriter(err)).execute("--config", config.toString());
    }

    @Test
    void refusesToStartWithoutKafka(@TempDir Path dir) throws Exception {
        Path noKafka = dir.resolve("b.yaml");
        Files.writeString(noKafka, "collector:\n  targets:\n    - {id: a, url: 'jdbc:postgresql://h/db', user: u}\n");
        StringWriter err = new StringWriter();
        assertThat(run(noKafka, err)).isEqualTo(2);
        assertThat(err.toString()).contains("kafka.bootstrapServers is required");
    }

    @Test
    void helpReadsWell() {
        StringWriter out = new StringWriter();
        new CommandLine(new CollectorCommand()).setOut(new PrintWriter(out)).execute("--help");
        assertThat(out.toString()).contains("Usage: collector", "-c, --config=FILE", "until Ctrl-C", "Exit codes:");
    }
}

package dev.pgvigil.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The runnable jar as a user runs it: `pgvigil standalone`, then Ctrl-C (SIGINT). Nothing may be left running. */
class StandaloneProcessIT {
    private static final Pattern DEMO_PORT = Pattern.compile("demo PostgreSQL on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern KAFKA = Pattern.compile("bootstrap servers: 127\\.0\\.0\\.1:(\\d+)");

    @Test
    void ctrlCStopsEveryPart() throws Exception {
        Path jar = Path.of(System.getProperty("pgvigil.jar", "target/pgvigil.jar"));
        java.util.Set<Path> runsBefore = StandaloneTest.runFolders(); // other runs' are not this run's
        assertThat(jar).exists();
        Process process = new ProcessBuilder("java", "-jar", jar.toString(), "standalone", "--kafka-port", "0", "--http-port", "0")
                .redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        int demoPort = -1;
        int kafkaPort = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                Matcher m = DEMO_PORT.matcher(line);
                if (m.find()) {
                    demoPort = Integer.parseInt(m.group(1));
                }
                Matcher k = KAFKA.matcher(line);
                if (k.find()) {
                    kafkaPort = Integer.parseInt(k.group(1));
                }
                if (line.contains("Press Ctrl-C to stop")) {
                    break;
                }
            }
            assertThat(lines).as("standalone output").anyMatch(l -> l.contains("Press Ctrl-C to stop"));
            assertThat(StandaloneTest.listening(demoPort)).isTrue();
            assertThat(StandaloneTest.listening(kafkaPort)).isTrue();

            new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor();
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("stopped within 90 s after Ctrl-C").isTrue();
            out.lines().forEach(lines::add);
        } finally {
            process.destroyForcibly();
        }
        assertThat(lines).anyMatch(l -> l.contains("Stopping"));
        assertThat(StandaloneTest.listening(demoPort)).as("demo PostgreSQL stopped").isFalse();
        assertThat(StandaloneTest.listening(kafkaPort)).as("broker stopped").isFalse();
        assertThat(StandaloneTest.runFolders()).as("no run folder (broker data, state, demo password) left behind").isSubsetOf(runsBefore);
    }
}

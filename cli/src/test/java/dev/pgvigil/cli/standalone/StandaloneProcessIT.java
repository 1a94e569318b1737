package dev.pgvigil.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
        // as from a terminal: a build started in the background (`mvn verify &`) passes SIGINT on ignored, and a JVM
        // that starts with SIGINT ignored never sees Ctrl-C; coreutils' env gives the child the default disposition
        Process process = new ProcessBuilder("env", "--default-signal=INT", "java", "-jar", jar.toString(), "standalone", "--kafka-port", "0",
                "--http-port", "0")
                .redirectErrorStream(true).start();
        // The output is drained all along: a child whose stdout pipe fills up blocks on its next log line and never exits.
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ready = new CountDownLatch(1);
        Thread drain = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                    if (line.contains("Press Ctrl-C to stop")) {
                        ready.countDown();
                    }
                }
            } catch (java.io.IOException closed) {
                // the process was destroyed: what was read is kept
            }
            ready.countDown();
        }, "standalone-output");
        drain.start();
        int demoPort;
        int kafkaPort;
        try {
            assertThat(ready.await(5, TimeUnit.MINUTES)).as("standalone started").isTrue();
            assertThat(lines).as("standalone output").anyMatch(l -> l.contains("Press Ctrl-C to stop"));
            demoPort = portIn(lines, DEMO_PORT);
            kafkaPort = portIn(lines, KAFKA);
            assertThat(StandaloneTest.listening(demoPort)).isTrue();
            assertThat(StandaloneTest.listening(kafkaPort)).isTrue();

            new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor();
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("stopped within 90 s after Ctrl-C; output:%n%s", tail(lines)).isTrue();
            drain.join(10_000);
        } finally {
            process.destroyForcibly();
        }
        assertThat(lines).anyMatch(l -> l.contains("Stopping"));
        assertThat(StandaloneTest.listening(demoPort)).as("demo PostgreSQL stopped").isFalse();
        assertThat(StandaloneTest.listening(kafkaPort)).as("broker stopped").isFalse();
        assertThat(StandaloneTest.runFolders()).as("no run folder (broker data, state, demo password) left behind").isSubsetOf(runsBefore);
    }

    private static int portIn(List<String> lines, Pattern pattern) {
        synchronized (lines) {
            for (String line : lines) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
        }
        throw new AssertionError("no line matches " + pattern + " in:\n" + tail(lines));
    }

    private static String tail(List<String> lines) {
        synchronized (lines) {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
    }
}

package dev.pgvigil.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar as a user runs it: `pgvigil standalone`, then Ctrl-C (SIGINT) or kill -9. Nothing may be left running. */
class StandaloneProcessIT {
    private static final Pattern DEMO_PORT = Pattern.compile("demo PostgreSQL on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern KAFKA = Pattern.compile("bootstrap servers: 127\\.0\\.0\\.1:(\\d+)");

    @Test
    void ctrlCStopsEveryPart() throws Exception {
        java.util.Set<Path> runsBefore = StandaloneTest.runFolders(); // other runs' are not this run's
        int demoPort;
        int kafkaPort;
        try (Run run = Run.start(Map.of())) {
            demoPort = portIn(run.lines, DEMO_PORT);
            kafkaPort = portIn(run.lines, KAFKA);
            assertThat(StandaloneTest.listening(demoPort)).isTrue();
            assertThat(StandaloneTest.listening(kafkaPort)).isTrue();

            new ProcessBuilder("kill", "-INT", String.valueOf(run.process.pid())).start().waitFor();
            assertThat(run.process.waitFor(90, TimeUnit.SECONDS)).as("stopped within 90 s after Ctrl-C; output:%n%s", tail(run.lines)).isTrue();
            run.drain.join(10_000);
            assertThat(run.lines).anyMatch(l -> l.contains("Stopping"));
        }
        assertThat(StandaloneTest.listening(demoPort)).as("demo PostgreSQL stopped").isFalse();
        assertThat(StandaloneTest.listening(kafkaPort)).as("broker stopped").isFalse();
        assertThat(StandaloneTest.runFolders()).as("no run folder (broker data, state, demo password) left behind").isSubsetOf(runsBefore);
    }

    /**
     * kill -9 runs no shutdown hook: the demo PostgreSQL (a process of its own) keeps running and the run folder stays.
     * The next start stops that server and deletes both folders, and says so.
     */
    @Test
    void theNextStartClearsWhatAKilledRunLeft(@TempDir Path cache) throws Exception {
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString());
        Path pgvigilCache = cache.resolve("pgvigil");
        int killedDemoPort;
        Path killedRun;
        Path killedCluster;
        try (Run killed = Run.start(env)) {
            killedDemoPort = portIn(killed.lines, DEMO_PORT);
            try (var runs = Files.list(pgvigilCache)) {
                killedRun = runs.filter(p -> p.getFileName().toString().startsWith("standalone-")).findFirst().orElseThrow();
            }
            killedCluster = Path.of(Files.readString(killedRun.resolve("demo-postgres")).strip()).getParent();
            new ProcessBuilder("kill", "-KILL", String.valueOf(killed.process.pid())).start().waitFor();
            assertThat(killed.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(StandaloneTest.listening(killedDemoPort)).as("the killed run's demo PostgreSQL outlives it").isTrue();
        assertThat(killedRun).exists();
        assertThat(killedCluster).exists();

        try (Run next = Run.start(env)) {
            assertThat(next.lines).as("the next start says what it cleared")
                    .anyMatch(l -> l.startsWith("Cleared: ") && l.contains("stopped its demo PostgreSQL on port " + killedDemoPort)
                            && l.contains(killedRun.toString()));
            assertThat(StandaloneTest.listening(killedDemoPort)).as("the killed run's demo PostgreSQL is stopped").isFalse();
            assertThat(killedRun).doesNotExist();
            assertThat(killedCluster).doesNotExist();
            assertThat(StandaloneTest.listening(portIn(next.lines, DEMO_PORT))).as("the new run's own demo runs").isTrue();
            new ProcessBuilder("kill", "-INT", String.valueOf(next.process.pid())).start().waitFor();
            assertThat(next.process.waitFor(90, TimeUnit.SECONDS)).as("stopped within 90 s after Ctrl-C; output:%n%s", tail(next.lines)).isTrue();
        }
        try (var left = Files.list(pgvigilCache)) {
            assertThat(left.toList()).as("nothing left in " + pgvigilCache).isEmpty();
        }
    }

    /** The runnable jar's `pgvigil standalone` on free ports, its output drained all along, started up to its prompt. */
    private record Run(Process process, List<String> lines, Thread drain) implements AutoCloseable {
        static Run start(Map<String, String> env) throws Exception {
            Path jar = Path.of(System.getProperty("pgvigil.jar", "target/pgvigil.jar"));
            assertThat(jar).exists();
            // as from a terminal: a build started in the background (`mvn verify &`) passes SIGINT on ignored, and a JVM
            // that starts with SIGINT ignored never sees Ctrl-C; coreutils' env gives the child the default disposition
            ProcessBuilder builder = new ProcessBuilder("env", "--default-signal=INT", "java", "-jar", jar.toString(), "standalone",
                    "--kafka-port", "0", "--http-port", "0").redirectErrorStream(true);
            builder.environment().putAll(env);
            Process process = builder.start();
            // A child whose stdout pipe fills up blocks on its next log line and never exits.
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
            Run run = new Run(process, lines, drain);
            try {
                assertThat(ready.await(5, TimeUnit.MINUTES)).as("standalone started").isTrue();
                assertThat(lines).as("standalone output").anyMatch(l -> l.contains("Press Ctrl-C to stop"));
            } catch (Exception | AssertionError e) {
                run.close();
                throw e;
            }
            return run;
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
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

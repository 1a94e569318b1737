package dev.pgvigil.analyzer;

import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * An analyzer alone in a JVM (for {@code ServiceProcess}), so a test can SIGKILL it: no shutdown hook, no goodbye to
 * its group. The CLI's {@code Main} is not on this module's class path; this starts what {@code pgvigil analyzer}
 * starts, without the dashboard. Arguments: the configuration file, and a file that, once the streams run, holds the
 * active tasks of this copy (rewritten every 200 ms).
 */
public final class AnalyzerProcess {
    private AnalyzerProcess() {}

    public static void main(String[] args) throws Exception {
        ConfigFile file = ConfigFile.load(Path.of(args[0]));
        Analyzer analyzer = Analyzer.start(file.section("kafka", KafkaSettings.class), file.section("analyzer", AnalyzerConfig.class));
        Runtime.getRuntime().addShutdownHook(new Thread(analyzer::close)); // SIGTERM: a clean stop
        if (!analyzer.awaitRunning(Duration.ofSeconds(120))) {
            System.exit(2);
        }
        Thread tasks = new Thread(() -> {
            while (true) { // what it runs now, for a test that must kill a copy with work
                String active = analyzer.streams().metadataForLocalThreads().stream().flatMap(t -> t.activeTasks().stream())
                        .map(t -> t.taskId().toString()).sorted().collect(Collectors.joining(" "));
                write(Path.of(args[1]), active);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "active-tasks");
        tasks.setDaemon(true);
        tasks.start();
        System.exit(analyzer.awaitStop() ? 2 : 0);
    }

    /** Whole, or not at all: a reader never sees half a file. */
    private static void write(Path file, String text) {
        try {
            Path tmp = Path.of(file + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

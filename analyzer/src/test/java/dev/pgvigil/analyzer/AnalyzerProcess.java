package dev.pgvigil.analyzer;

import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An analyzer alone in a JVM (for {@code ServiceProcess}), so a test can SIGKILL it: no shutdown hook, no goodbye to
 * its group. The CLI's {@code Main} is not on this module's class path; this starts what {@code pgvigil analyzer}
 * starts, without the dashboard. Arguments: the configuration file, a file to create once the streams run.
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
        Files.writeString(Path.of(args[1] + ".tmp"), "running");
        Files.move(Path.of(args[1] + ".tmp"), Path.of(args[1])); // whole, or not at all
        System.exit(analyzer.awaitStop() ? 2 : 0);
    }
}

package dev.pgvigil.analyzer.cli;

import dev.pgvigil.analyzer.query.AnalyzerService;
import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.common.ExitCodes;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.http.HttpSettings;
import dev.pgvigil.common.kafka.KafkaDenied;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pgvigil analyzer --config FILE}: the analyzer service alone, against any Kafka cluster. */
@Command(name = "analyzer",
        header = "Run the analyzer: metrics, trends, baselines, violations, findings, and the dashboard.", mixinStandardHelpOptions = true,
        description = {
                "Run the analyzer: per-interval metrics, rollups, baselines, violations and findings from the "
                        + "collector's snapshots. Reads the 'kafka', 'analyzer' and 'http' sections of the configuration file; "
                        + "runs until stopped (Ctrl-C, SIGTERM). Serves the dashboard, its API, /health and /metrics on the "
                        + "'http' address (default http://127.0.0.1:8080/). Run more copies with the same applicationId to "
                        + "share the work."},
        footer = {"", "Exit codes: 0 stopped cleanly, 2 bad configuration, unreachable Kafka, a login or ACL Kafka refused (at start or later), or a failure that stopped it."})
public final class AnalyzerCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "pgvigil YAML configuration file.")
    Path config;

    @Override
    public Integer call() throws Exception {
        ConfigFile file = ConfigFile.load(config);
        KafkaSettings kafka = file.section("kafka", KafkaSettings.class);
        AnalyzerConfig analyzer = file.section("analyzer", AnalyzerConfig.class);
        if (kafka.bootstrapServers() == null || kafka.bootstrapServers().isBlank()) {
            throw new IllegalArgumentException(config + ": kafka.bootstrapServers is required");
        }
        HttpSettings http = file.section("http", HttpSettings.class);
        try (AnalyzerService running = AnalyzerService.start(kafka, analyzer, http)) {
            System.err.println("Dashboard: " + running.dashboardUri());
            Thread hook = new Thread(running::close, "pgvigil-analyzer-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            boolean failed = running.analyzer().awaitStop();
            KafkaDenied denied = running.analyzer().denied().getNow(null);
            if (denied != null) { // stopped by itself: the hook has nothing left to do; the line is pgvigil's to print
                Runtime.getRuntime().removeShutdownHook(hook);
                throw denied;
            }
            return failed ? ExitCodes.USAGE_OR_CONNECTION : ExitCodes.OK;
        }
    }
}

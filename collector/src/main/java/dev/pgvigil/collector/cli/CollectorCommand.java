package dev.pgvigil.collector.cli;

import dev.pgvigil.collector.Collector;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.common.ExitCodes;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.kafka.KafkaDenied;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pgvigil collector}: the collector service alone, until Ctrl-C. */
@Command(name = "collector",
        header = "Run the collector: read every target on its interval and publish snapshots to Kafka.",
        mixinStandardHelpOptions = true,
        description = {
                "Run the collector alone, until Ctrl-C: join the collectors' consumer group (collector.groupId) on "
                        + "pgvigil.targets and read the targets of the partitions it is given, each on its interval, publishing "
                        + "snapshots to the Kafka cluster of the 'kafka' section. Copies on other hosts share the fleet; when one "
                        + "stops, the others take its targets over. The config's collector.targets are added to pgvigil.targets "
                        + "at start (see 'pgvigil targets'). Creates missing pgvigil topics at start."},
        footer = {"", "Example: pgvigil collector --config /etc/pgvigil/pgvigil.yaml",
                "", "Exit codes: 0 stopped cleanly, 2 bad configuration, Kafka unreachable at start, or a login or ACL Kafka refused (at start or later)."})
public final class CollectorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "pgvigil YAML configuration file.")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        ConfigFile file = ConfigFile.load(config);
        CollectorConfig collector = file.section("collector", CollectorConfig.class);
        KafkaSettings kafka = file.section("kafka", KafkaSettings.class);
        if (kafka.bootstrapServers() == null || kafka.bootstrapServers().isBlank()) {
            spec.commandLine().getErr().println("pgvigil: " + config + ": kafka.bootstrapServers is required");
            return ExitCodes.USAGE_OR_CONNECTION;
        }
        Collector service = new Collector(collector, kafka);
        try {
            service.start();
        } catch (RuntimeException e) {
            service.close();
            spec.commandLine().getErr().println("pgvigil: " + KafkaDenied.in(e, kafka).map(Throwable::getMessage)
                    .orElse("cannot start the collector: " + e.getMessage()));
            return ExitCodes.USAGE_OR_CONNECTION;
        }
        CompletableFuture<KafkaDenied> stopped = service.denied();
        Thread hook = new Thread(() -> {
            service.close();
            stopped.complete(null);
        }, "pgvigil-collector-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        KafkaDenied denied = stopped.join();
        if (denied == null) {
            return ExitCodes.OK;
        }
        Runtime.getRuntime().removeShutdownHook(hook); // stopped by itself: the hook has nothing left to do
        service.close();
        spec.commandLine().getErr().println("pgvigil: " + denied.getMessage());
        return ExitCodes.USAGE_OR_CONNECTION;
    }
}

package dev.pgvigil.cli.standalone;

import dev.pgvigil.common.ExitCodes;
import dev.pgvigil.common.kafka.KafkaDenied;
import dev.pgvigil.embedded.demo.DemoDatabase;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pgvigil standalone}: the whole pipeline in one process, on an embedded broker. */
@Command(name = "standalone",
        header = "Run everything in one process on an embedded Kafka broker (a built-in demo without --config).",
        mixinStandardHelpOptions = true,
        description = {
                "Run everything in one process: an embedded Kafka broker, the collector, the analyzer and the "
                        + "alerter. Without --config (or with a config that has no collector targets) it watches a built-in "
                        + "demo: a throwaway PostgreSQL cluster with a small shop database, real problems and a running "
                        + "workload. Stop it with Ctrl-C: every part stops, and the demo cluster is removed. A run that was "
                        + "killed (kill -9) leaves its demo cluster running: the next start stops it and removes its folders."},
        footer = {"", "Examples:",
                "  pgvigil standalone                                  # the demo",
                "  pgvigil standalone --config pgvigil.yaml --data-dir /var/lib/pgvigil",
                "  pgvigil standalone --brokers 3                      # the demo on a replicated cluster",
                "  pgvigil standalone --brokers 0 --config pgvigil.yaml  # on the config's (external, secured) cluster",
                "", "Exit codes: 0 stopped cleanly, 2 bad configuration, a part failed to start, or a login or ACL Kafka refused (at start or later)."})
public final class StandaloneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "pgvigil YAML configuration (its kafka.bootstrapServers is ignored unless --brokers 0: the broker is embedded).")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the broker's data and the analyzer's state here across runs (default: a folder under ~/.cache/pgvigil, removed at exit).")
    Path dataDir;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "19092",
            description = "Port of the embedded broker on 127.0.0.1, for 'pgvigil tail' and other clients (0: any free port; default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--brokers", paramLabel = "N", defaultValue = "1",
            description = "Embedded brokers (1 to 9; default ${DEFAULT-VALUE}). With 3 or more, topics get three replicas and "
                    + "min.insync.replicas 2 (kafka.replicationFactor and kafka.minInsyncReplicas override), and broker i listens on "
                    + "--kafka-port + i - 1. 0: no embedded broker; use the cluster of the config's kafka section "
                    + "(bootstrapServers, TLS and SASL settings) as the separate services would.")
    int brokers;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port of the dashboard, its API, /health and /metrics (0: any free port; default ${DEFAULT-VALUE}). "
                    + "The address and token come from the config's 'http' section (default 127.0.0.1).")
    int httpPort;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Standalone standalone;
        try {
            standalone = Standalone.start(new Standalone.Options(config, dataDir, kafkaPort, DemoDatabase.Scale.DEMO, httpPort, brokers), err);
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException | KafkaDenied e) {
            err.println();
            err.println("pgvigil: " + (e instanceof KafkaDenied ? "" : "cannot start: ") + e.getMessage());
            return ExitCodes.USAGE_OR_CONNECTION;
        }
        CompletableFuture<KafkaDenied> stopped = standalone.denied();
        Thread hook = new Thread(() -> {
            err.println("Stopping ...");
            err.flush();
            standalone.close();
            stopped.complete(null);
        }, "pgvigil-standalone-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        err.println("pgvigil is running. Watch the topics with: pgvigil tail pgvigil.violations "
                + (brokers == 0 ? "--config " + config : "--bootstrap-servers " + standalone.bootstrapServers()));
        err.println("Press Ctrl-C to stop.");
        err.flush();
        KafkaDenied denied = stopped.join();
        if (denied == null) {
            return ExitCodes.OK;
        }
        Runtime.getRuntime().removeShutdownHook(hook); // stopped by itself: the hook has nothing left to do
        standalone.close();
        err.println("pgvigil: " + denied.getMessage());
        return ExitCodes.USAGE_OR_CONNECTION;
    }
}

package dev.pgvigil.alerter.cli;

import dev.pgvigil.alerter.Alerter;
import dev.pgvigil.alerter.config.AlerterConfig;
import dev.pgvigil.common.ExitCodes;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.kafka.KafkaDenied;
import dev.pgvigil.schema.kafka.TopicSetup;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pgvigil alerter --config FILE}: runs the alerter until stopped (Ctrl-C, SIGTERM). */
@Command(name = "alerter",
        header = "Run the alerter: turn violations into alerts and deliver notifications.",
        mixinStandardHelpOptions = true,
        description = {
                "Run the alerter until Ctrl-C: turn violations into alerts and send notifications (log, webhook, "
                        + "Slack, e-mail).",
                "",
                "Reads the kafka and alerter sections of the configuration file and creates missing pgvigil topics. "
                        + "Serves the alerts and silences API on 127.0.0.1:8093 unless configured otherwise. See "
                        + "docs/alerter.md."},
        footer = {"", "Example: pgvigil alerter --config /etc/pgvigil/pgvigil.yaml",
                "", "Exit codes: 0 stopped cleanly, 2 bad configuration, Kafka unreachable, or a login or ACL Kafka refused (at start or later)."})
public final class AlerterCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "pgvigil configuration file")
    Path config;

    @Override
    public Integer call() throws Exception {
        ConfigFile file = ConfigFile.load(config);
        KafkaSettings kafka = file.section("kafka", KafkaSettings.class);
        AlerterConfig alerterConfig = file.section("alerter", AlerterConfig.class);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            TopicSetup.ensureAll(admin, kafka.topicPartitions(), kafka.topicReplicationFactor(), kafka.topicMinInsyncReplicas());
        }
        Alerter alerter = Alerter.start(kafka, alerterConfig);
        Thread hook = new Thread(alerter::close, "pgvigil-alerter-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        alerter.awaitStopped();
        KafkaDenied denied = alerter.denied().getNow(null);
        if (denied != null) { // stopped by itself: the hook has nothing left to do
            Runtime.getRuntime().removeShutdownHook(hook);
            alerter.close();
            throw denied;
        }
        return ExitCodes.OK;
    }

    /** Runs the alerter alone, without the rest of the pgvigil command. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** This command on its own, with pgvigil's exit codes: 2 for a bad configuration or an unreachable broker. */
    public static CommandLine commandLine() {
        return new CommandLine(new AlerterCommand())
                .setExecutionExceptionHandler((e, cli, parsed) -> {
                    cli.getErr().println("pgvigil alerter: " + e.getMessage());
                    return ExitCodes.USAGE_OR_CONNECTION;
                });
    }
}

package dev.pgvigil.cli;

import dev.pgvigil.common.ExitCodes;
import dev.pgvigil.common.config.ConfigException;
import dev.pgvigil.common.kafka.KafkaDenied;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pgvigil} command: every service and every one-shot question, as subcommands. */
@Command(name = "pgvigil",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
                "Streaming performance monitoring for fleets of PostgreSQL instances.",
                "",
                "Run @|bold pgvigil standalone|@ to watch a built-in demo database with everything in one process."},
        footer = {
                "",
                "Exit codes: 0 ok/healthy, 1 findings of warning or worse, 2 usage, configuration or connection error.",
                "Run 'pgvigil COMMAND --help' for a command's options."},
        subcommands = {
                CommandLine.HelpCommand.class,
                dev.pgvigil.cli.standalone.StandaloneCommand.class,
                dev.pgvigil.collector.cli.CollectorCommand.class,
                dev.pgvigil.collector.cli.SnapshotCommand.class,
                dev.pgvigil.collector.cli.TargetsCommand.class,
                dev.pgvigil.analyzer.cli.AnalyzerCommand.class,
                dev.pgvigil.analyzer.cli.TailCommand.class,
                dev.pgvigil.alerter.cli.AlerterCommand.class,
                dev.pgvigil.alerter.cli.SilenceCommand.class,
                dev.pgvigil.advisor.report.ReportCommand.class,
                dev.pgvigil.advisor.indexes.SuggestIndexesCommand.class,
                dev.pgvigil.advisor.table.AnalyzeTableCommand.class,
                dev.pgvigil.advisor.explain.ExplainCommand.class,
                dev.pgvigil.advisor.baseline.BaselineCommand.class,
                dev.pgvigil.advisor.tune.TuneCommand.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (for tests: no System.exit). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main())
                .setExecutionExceptionHandler(Main::handleError)
                .setUsageHelpAutoWidth(true)
                .setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.AUTO));
        return cli.execute(args);
    }

    private static int handleError(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        if (e instanceof ConfigException) {
            cli.getErr().println("pgvigil: bad configuration: " + e.getMessage());
            return ExitCodes.USAGE_OR_CONNECTION;
        }
        // a refused login or a missing ACL is final, at start or later: one line saying so, never a retry loop
        var denied = KafkaDenied.in(e);
        if (denied.isPresent()) {
            cli.getErr().println("pgvigil: " + denied.get().getMessage());
            return ExitCodes.USAGE_OR_CONNECTION;
        }
        // a wrong argument, or a broker or database that refuses us at start (login, ACL, unreachable): the message says it all
        if (e instanceof org.apache.kafka.common.errors.TimeoutException) {
            cli.getErr().println("pgvigil: Kafka did not answer in time: " + e.getMessage()
                    + " (is it running, and reachable at kafka.bootstrapServers / --bootstrap-servers?)");
            return ExitCodes.USAGE_OR_CONNECTION;
        }
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            cli.getErr().println("pgvigil: " + e.getMessage());
            return ExitCodes.USAGE_OR_CONNECTION;
        }
        cli.getErr().println("pgvigil: " + e);
        return ExitCodes.USAGE_OR_CONNECTION;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/pgvigil-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"pgvigil " + p.getProperty("version", "unknown"),
                    "Kafka " + p.getProperty("kafka", "?") + ", Java " + System.getProperty("java.version")};
        }
    }
}

package dev.pgvigil.collector.cli;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.collector.fleet.TargetsPlan;
import dev.pgvigil.collector.fleet.TargetsTopic;
import dev.pgvigil.collector.fleet.TargetView;
import dev.pgvigil.common.text.Colors;
import dev.pgvigil.common.text.Human;
import dev.pgvigil.common.text.JsonOutput;
import dev.pgvigil.common.text.TextTable;
import java.time.Duration;
import java.time.Instant;
import dev.pgvigil.common.ExitCodes;
import dev.pgvigil.common.config.ConfigException;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pgvigil targets}: the fleet on pgvigil.targets, which the collectors share as a consumer group.
 * Every change is validated whole before anything is written, so bad input changes nothing.
 */
@Command(name = "targets",
        header = "List and change the fleet of databases the collectors watch (the pgvigil.targets topic).",
        mixinStandardHelpOptions = true,
        description = {
                "The fleet lives on the compacted topic pgvigil.targets, keyed by target id; every running collector of the "
                        + "group picks a change up within one interval, with no restart. No password ever goes on the topic: "
                        + "name it with passwordEnv/passwordFile (--password-env/--password-file), resolved on each collector host."},
        subcommands = {TargetsCommand.List.class, TargetsCommand.Add.class, TargetsCommand.Remove.class, TargetsCommand.Apply.class},
        footer = {"", "Examples:",
                "  pgvigil targets list -c pgvigil.yaml",
                "  pgvigil targets add -c pgvigil.yaml --id orders --password-env ORDERS_PW \\",
                "      --url postgresql://monitor@db1/orders",
                "  pgvigil targets apply -c pgvigil.yaml -f fleet.yaml --dry-run",
                "  pgvigil targets remove -c pgvigil.yaml orders",
                "", "Exit codes: 0 done, 2 bad input (nothing changed), bad configuration or Kafka unreachable."})
public final class TargetsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What every subcommand shares: the config file naming the Kafka cluster, and the error handling. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "pgvigil YAML file (its 'kafka' section is used).")
        Path config;

        @Override
        public final Integer call() {
            try {
                KafkaSettings kafka = ConfigFile.load(config).section("kafka", KafkaSettings.class);
                if (kafka.bootstrapServers() == null || kafka.bootstrapServers().isBlank()) {
                    throw new IllegalArgumentException(config + ": kafka.bootstrapServers is required");
                }
                return run(new TargetsTopic(kafka), spec.commandLine().getOut());
            } catch (IllegalArgumentException | ConfigException | IllegalStateException e) {
                spec.commandLine().getErr().println("pgvigil: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return ExitCodes.USAGE_OR_CONNECTION;
            }
        }

        abstract int run(TargetsTopic topic, PrintWriter out);

        /** Prints the plan, then carries it out unless {@code dryRun}. */
        static int carryOut(TargetsTopic topic, TargetsPlan plan, boolean dryRun, PrintWriter out) {
            plan.lines().forEach(out::println);
            if (dryRun) {
                out.println("dry run: nothing changed");
            } else if (!plan.isEmpty()) {
                topic.write(plan);
                out.println("done");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            header = "Print every target on pgvigil.targets with the collector that collects it, its last cycle and its last error.",
            description = {"OWNER, LAST CYCLE and LAST ERROR come from pgvigil.targets.status, which each collector writes with "
                    + "every snapshot (so a collector that stopped shows its last cycle growing old)."})
    static final class List extends Base {
        @Option(names = "--json", description = "Print the targets and their status as JSON.")
        boolean json;

        @Override
        int run(TargetsTopic topic, PrintWriter out) {
            java.util.List<TargetView> targets = TargetView.join(topic.read(), topic.statuses());
            if (json) {
                JsonOutput.create().print(out, targets);
                return ExitCodes.OK;
            }
            Colors colors = Colors.auto();
            Instant now = Instant.now();
            TextTable table = new TextTable().left("ID").left("ENABLED").right("INTERVAL").left("URL").left("LABELS")
                    .left("OWNER").right("LAST CYCLE").left("LAST ERROR");
            for (TargetView t : targets) {
                table.row(t.id(), t.enabled() ? "yes" : "no", t.intervalSeconds() == null ? "default" : t.intervalSeconds() + "s", t.url(),
                        t.labels().isEmpty() ? "-" : t.labels(),
                        t.owner() == null ? "-" : t.owner() + (t.ownerHost() == null || t.ownerHost().isEmpty() ? "" : "@" + t.ownerHost()),
                        t.lastCycleAt() == null ? "never" : age(t.lastCycleAt(), now),
                        t.lastError() == null ? "-" : colors.red(t.lastError()));
            }
            out.print(table.render());
            out.println(targets.size() + " target(s)");
            out.flush();
            return ExitCodes.OK;
        }

        /** Whole seconds and up ({@code 4 s ago}, {@code 3 min 20 s ago}): a cycle's age needs no finer grain. */
        private static String age(Instant at, Instant now) {
            return Human.duration(Duration.ofSeconds(Math.max(1, Duration.between(at, now).getSeconds()))) + " ago";
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, header = "Add one target (its id must be new).")
    static final class Add extends Base {
        @Option(names = "--id", required = true, paramLabel = "ID", description = "Target id (also the instance id of its snapshots).")
        String id;

        @Option(names = "--url", required = true, paramLabel = "URL", description = "jdbc:postgresql://host:port/db or postgresql://user@host/db, without a password.")
        String url;

        @Option(names = "--user", paramLabel = "USER", description = "Role to connect as (if the URL names none).")
        String user;

        @ArgGroup(exclusive = true)
        Password password = new Password();

        static final class Password {
            @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding the password on each collector host.")
            String env;

            @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the password on each collector host.")
            String file;
        }

        @Option(names = "--interval", paramLabel = "SECONDS", description = "Collection interval (default: the collector's).")
        Integer intervalSeconds;

        @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label for the target's snapshots (repeatable).")
        Map<String, String> labels;

        @Option(names = "--dry-run", description = "Print what would change, change nothing.")
        boolean dryRun;

        @Override
        int run(TargetsTopic topic, PrintWriter out) {
            TargetConfig target = new TargetConfig(id, url, user, null, password.env, password.file, intervalSeconds, labels, null, null);
            return carryOut(topic, TargetsPlan.adding(target, topic::read), dryRun, out);
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, header = "Remove targets: the collectors stop reading them within one interval.")
    static final class Remove extends Base {
        @Parameters(arity = "1..*", paramLabel = "ID", description = "Ids of the targets to remove.")
        java.util.List<String> ids;

        @Option(names = "--dry-run", description = "Print what would change, change nothing.")
        boolean dryRun;

        @Override
        int run(TargetsTopic topic, PrintWriter out) {
            return carryOut(topic, TargetsPlan.removing(topic.read(), ids), dryRun, out);
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            header = "Make the topic hold exactly a YAML file's collector.targets: prints the plan, then carries it out.")
    static final class Apply extends Base {
        @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE",
                description = "YAML file whose collector.targets is the whole fleet (targets not in it are removed).")
        Path file;

        @Option(names = "--dry-run", description = "Print the plan, change nothing.")
        boolean dryRun;

        @Override
        int run(TargetsTopic topic, PrintWriter out) {
            // the collector section's own checks: unknown keys, invalid ids and urls, duplicate ids
            java.util.List<TargetConfig> wanted = new ArrayList<>(ConfigFile.load(file).section("collector", CollectorConfig.class).targets());
            TargetsPlan plan = TargetsPlan.of(topic.read(), wanted, true); // a password anywhere refuses the whole file
            if (!dryRun) {
                topic.ensure();
            }
            return carryOut(topic, plan, dryRun, out);
        }
    }
}

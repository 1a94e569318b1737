package dev.pgvigil.collector.cli;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.collector.fleet.TargetRecords;
import dev.pgvigil.collector.fleet.TargetsPlan;
import dev.pgvigil.collector.fleet.TargetsTopic;
import dev.pgvigil.common.ExitCodes;
import dev.pgvigil.common.config.ConfigException;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.schema.Target;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

        /** The collectors' group (collector.groupId of the same file). */
        String groupId;

        @Override
        public final Integer call() {
            try {
                KafkaSettings kafka = ConfigFile.load(config).section("kafka", KafkaSettings.class);
                if (kafka.bootstrapServers() == null || kafka.bootstrapServers().isBlank()) {
                    throw new IllegalArgumentException(config + ": kafka.bootstrapServers is required");
                }
                this.groupId = ConfigFile.load(config).section("collector", CollectorConfig.class).groupId();
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
            header = "Print every target on pgvigil.targets and the collector of the group (collector.groupId) that holds it.")
    static final class List extends Base {
        @Override
        int run(TargetsTopic topic, PrintWriter out) {
            Map<String, Target> targets = topic.read();
            Map<String, String> owners = targets.isEmpty() ? Map.of() : topic.owners(groupId, targets.keySet());
            out.printf("%-24s %-8s %-9s %-44s %-20s %s%n", "ID", "ENABLED", "INTERVAL", "URL", "LABELS", "COLLECTOR");
            for (Target t : targets.values()) {
                TargetConfig c = TargetRecords.fromRecord(t);
                out.printf("%-24s %-8s %-9s %-44s %-20s %s%n", t.getId(), t.getEnabled() ? "yes" : "no",
                        t.getIntervalSeconds() == null ? "default" : t.getIntervalSeconds() + "s", c.parsedUrl().redacted(),
                        new TreeMap<>(c.labels()), owners.getOrDefault(t.getId(), "-"));
            }
            out.println(targets.size() + " target(s)");
            out.flush();
            return ExitCodes.OK;
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
            TargetRecords.toRecord(target); // a password in the url is refused before Kafka is asked anything
            Map<String, Target> current = topic.read();
            if (current.containsKey(id)) {
                throw new IllegalArgumentException("target '" + id + "' is already on the topic: remove it first, or change it with 'targets apply'");
            }
            return carryOut(topic, TargetsPlan.of(current, java.util.List.of(target), false), dryRun, out);
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
            Map<String, Target> current = topic.read();
            java.util.List<String> unknown = ids.stream().filter(id -> !current.containsKey(id)).toList();
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("no such target on the topic: " + String.join(", ", unknown));
            }
            return carryOut(topic, new TargetsPlan(java.util.List.of(), java.util.List.of(), ids.stream().distinct().toList(), 0), dryRun, out);
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

package dev.pgvigil.alerter.cli;

import dev.pgvigil.alerter.config.DurationText;
import dev.pgvigil.alerter.model.LabelMatcher;
import dev.pgvigil.alerter.model.Silence;
import dev.pgvigil.alerter.model.SilenceView;
import dev.pgvigil.alerter.state.SilenceStore;
import dev.pgvigil.common.cli.KafkaOptions;
import dev.pgvigil.common.ExitCodes;
import dev.pgvigil.common.text.Human;
import dev.pgvigil.common.text.JsonOutput;
import dev.pgvigil.common.text.TextTable;
import dev.pgvigil.schema.kafka.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pgvigil silence add|list|expire}: silences go straight to the pgvigil.silences topic, so
 * they work whether or not an alerter runs, and every alerter picks them up within a second.
 */
@Command(name = "silence",
        header = "Create, list and expire silences.",
        mixinStandardHelpOptions = true,
        description = {
                "Create, list and expire silences: matched alerts send no notification until the silence ends; one "
                        + "that still fires then is sent then. Silences are kept in Kafka (pgvigil.silences), so every alerter "
                        + "sees them."},
        subcommands = {SilenceCommand.Add.class, SilenceCommand.ListSilences.class, SilenceCommand.Expire.class})
public final class SilenceCommand implements Runnable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static SilenceStore open(KafkaOptions kafka) {
        return SilenceStore.open(kafka.settings().clientProperties(), Topics.SILENCES, false, TIMEOUT);
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Silence the alerts that match every given option (exact, or a full-match regular expression).",
            footer = {"", "Example:", "  pgvigil silence add --config pgvigil.yaml --instance db-1 --rule dead_rows \\",
                    "      --for 2h --comment \"VACUUM FULL running\""})
    static final class Add implements Callable<Integer> {
        @Mixin KafkaOptions kafka;
        @Spec CommandSpec spec;

        @Option(names = "--rule", paramLabel = "RULE", description = "rule name, e.g. cache_hit_ratio") String rule;
        @Option(names = "--rule-regex", paramLabel = "REGEX", description = "e.g. 'dead_rows|cache_hit_ratio'") String ruleRegex;
        @Option(names = "--instance", paramLabel = "ID", description = "instance id") String instance;
        @Option(names = "--instance-regex", paramLabel = "REGEX", description = "e.g. 'db-prod-.*'") String instanceRegex;
        @Option(names = "--object", paramLabel = "NAME", description = "database, schema.table or queryid") String object;
        @Option(names = "--object-regex", paramLabel = "REGEX", description = "e.g. 'public\\..*'") String objectRegex;

        static final class End {
            @Option(names = "--for", paramLabel = "DURATION", description = "how long, e.g. 30m, 2h, 1d") String duration;
            @Option(names = "--until", paramLabel = "TIME", description = "when it ends, ISO-8601, e.g. 2025-06-01T06:00:00Z") Instant until;
        }

        @ArgGroup(exclusive = true, multiplicity = "1") End end;

        @Option(names = "--comment", required = true, paramLabel = "TEXT", description = "why (shown to whoever wonders where the alerts went)") String comment;
        @Option(names = "--author", paramLabel = "NAME", description = "who (default: your user name)") String author = System.getProperty("user.name", "");
        @Option(names = "--json", description = "print the silence as JSON") boolean json;

        @Override
        public Integer call() {
            List<LabelMatcher> matchers = new ArrayList<>();
            add(matchers, "rule", rule, false);
            add(matchers, "rule", ruleRegex, true);
            add(matchers, "instance", instance, false);
            add(matchers, "instance", instanceRegex, true);
            add(matchers, "object", object, false);
            add(matchers, "object", objectRegex, true);
            if (matchers.isEmpty()) {
                throw new IllegalArgumentException("say what to silence: --rule, --instance and/or --object (or their -regex forms)");
            }
            Instant now = Instant.now();
            Instant ends = end.until != null ? end.until : now.plus(DurationText.parse(end.duration));
            try (SilenceStore store = open(kafka)) {
                Silence silence = store.put(Silence.create(matchers, now, ends, author, comment, now));
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    JsonOutput.create().print(out, SilenceView.of(silence, now));
                } else {
                    out.printf("Silence %s added: %s until %s (%s)%n", silence.id(), silence.describeMatchers(),
                            WHEN.format(silence.endsAt()), Human.duration(Duration.between(now, silence.endsAt())));
                    out.flush();
                }
            }
            return ExitCodes.OK;
        }

        private static void add(List<LabelMatcher> matchers, String name, String value, boolean regex) {
            if (value != null) {
                matchers.add(LabelMatcher.of(name, value, regex));
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List active and pending silences (--all: expired ones too).")
    static final class ListSilences implements Callable<Integer> {
        @Mixin KafkaOptions kafka;
        @Spec CommandSpec spec;

        @Option(names = "--all", description = "include expired silences (kept for 7 days)") boolean all;
        @Option(names = "--json", description = "print JSON") boolean json;

        @Override
        public Integer call() {
            Instant now = Instant.now();
            List<Silence> silences;
            try (SilenceStore store = open(kafka)) {
                silences = store.all().stream().filter(s -> all || s.state(now) != Silence.State.EXPIRED).toList();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.create().print(out, silences.stream().map(s -> SilenceView.of(s, now)).toList());
                return ExitCodes.OK;
            }
            if (silences.isEmpty()) {
                out.println(all ? "No silences." : "No active silences.");
                out.flush();
                return ExitCodes.OK;
            }
            TextTable table = new TextTable().left("ID").left("STATE").left("MATCHERS").left("ENDS").right("LEFT").left("BY").left("COMMENT");
            for (Silence s : silences) {
                Duration left = Duration.between(now, s.endsAt());
                table.row(s.id().substring(0, 8), s.state(now).name().toLowerCase(Locale.ROOT), s.describeMatchers(),
                        WHEN.format(s.endsAt()), left.isNegative() ? "-" : Human.duration(left), s.createdBy(), s.comment());
            }
            out.print(table.render());
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "expire", mixinStandardHelpOptions = true, description = "End a silence now (its id, or the first characters of it).")
    static final class Expire implements Callable<Integer> {
        @Mixin KafkaOptions kafka;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "silence id or a unique prefix (as `silence list` shows)") String id;
        @Option(names = "--json", description = "print the expired silence as JSON") boolean json;

        @Override
        public Integer call() {
            Instant now = Instant.now();
            Optional<Silence> expired;
            try (SilenceStore store = open(kafka)) {
                expired = store.expire(id, now);
            }
            if (expired.isEmpty()) {
                spec.commandLine().getErr().println("pgvigil: no silence " + id);
                return ExitCodes.USAGE_OR_CONNECTION;
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.create().print(out, SilenceView.of(expired.get(), now));
            } else {
                out.printf("Silence %s expired: %s%n", expired.get().id(), expired.get().describeMatchers());
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}

package dev.pgvigil.advisor.baseline;

import dev.pgvigil.advisor.AdvisorCommand;
import dev.pgvigil.advisor.Output;
import dev.pgvigil.advisor.connect.DurationConverter;
import dev.pgvigil.common.ExitCodes;
import dev.pgvigil.common.config.ConfigException;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.text.Human;
import dev.pgvigil.common.text.TextTable;
import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.Text;
import dev.pgvigil.rules.baseline.Baseline;
import dev.pgvigil.rules.baseline.BaselineComparison;
import dev.pgvigil.rules.baseline.BaselineComparison.MetricChange;
import dev.pgvigil.rules.baseline.BaselineComparison.StatementChange;
import dev.pgvigil.rules.baseline.BaselineNames;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pgvigil baseline create|compare|show}: remember how a database looked, and see what changed since. */
@Command(name = "baseline",
        header = "Create, compare and show baselines of a database.",
        mixinStandardHelpOptions = true,
        description = {
                "Baselines of a database: its size, table sizes and rows, index count, cache hit ratio, connections "
                        + "and top statements at one moment. 'create' takes one, 'compare' sets now against one, 'show' lists "
                        + "them. They are kept in a JSON file (default ~/.pgvigil/baselines.json), the last 10 per instance, or with "
                        + "--config/--bootstrap-servers on the compacted pgvigil.baselines topic, which only the analyzer writes: "
                        + "there 'create' asks the analyzer for one (as the dashboard does) and waits until it is published."},
        subcommands = {BaselineCommand.Create.class, BaselineCommand.Compare.class, BaselineCommand.Show.class})
public final class BaselineCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final Set<String> BYTES = Set.of(Baseline.DATABASE_SIZE_BYTES);

    /** Options of every baseline subcommand. */
    abstract static class Sub extends AdvisorCommand {
        @Option(names = "--file", paramLabel = "FILE", description = "The baselines file (default: ~/.pgvigil/baselines.json).")
        Path file;

        /** Optional here, unlike {@code KafkaOptions}: without either option the baselines stay in the file. */
        static final class KafkaSource {
            @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "pgvigil configuration file: keep the baselines on "
                    + "the pgvigil.baselines topic of its kafka section, instead of the file.")
            Path config;

            @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Keep the baselines on the pgvigil.baselines "
                    + "topic of this Kafka, instead of the file.")
            String bootstrapServers;
        }

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        KafkaSource kafka;

        @Option(names = "--instance-id", paramLabel = "ID", description = "The instance's key for the baselines (default: host:port/database); "
                + "use the collector's instance id to share baselines with the analyzer.")
        String instanceId;

        @Option(names = "--kafka-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
                description = "How long to wait for Kafka before giving up (default: ${DEFAULT-VALUE}).")
        Duration kafkaTimeout;

        @Override
        protected void checkOptions() {
            if (kafka != null && file != null) {
                throw new UsageException("--file and --config/--bootstrap-servers exclude each other");
            }
            if (instanceId != null && instanceId.isBlank()) {
                throw new UsageException("--instance-id must not be empty");
            }
        }

        @Override
        protected String instance() {
            if (instanceId == null && !connection.hasTarget()) {
                throw new UsageException("give --target URL or --instance-id ID: the instance whose baselines these are");
            }
            return instanceId != null ? instanceId : super.instance();
        }

        BaselineStore store() {
            return kafka == null ? new BaselineFile(file != null ? file : BaselineFile.defaultFile()) : topic();
        }

        BaselineTopic topic() {
            KafkaSettings settings;
            if (kafka.bootstrapServers != null) {
                settings = KafkaSettings.of(kafka.bootstrapServers);
            } else {
                try {
                    settings = ConfigFile.load(kafka.config).section("kafka", KafkaSettings.class);
                } catch (ConfigException e) {
                    throw new UsageException(e.getMessage());
                }
                if (settings.bootstrapServers() == null || settings.bootstrapServers().isBlank()) {
                    throw new UsageException(kafka.config + ": kafka.bootstrapServers is not set");
                }
            }
            return new BaselineTopic(settings, kafkaTimeout);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = {"Take a baseline now and store it.",
            "With --config/--bootstrap-servers the analyzer takes it from its state of --instance-id (required) and publishes it; "
                    + "this waits for that, up to --wait."},
            footer = {"", "Exit codes: 0 stored, 2 usage, file, Kafka or connection error, or not published by the analyzer within --wait."})
    public static final class Create extends Sub {
        @Option(names = "--name", paramLabel = "NAME", description = "Its name (default: baseline-<UTC time>); an existing one is replaced.")
        String name;

        @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
                description = "With Kafka: how long to wait for the analyzer to publish the baseline (default: ${DEFAULT-VALUE}).")
        Duration wait;

        @Override
        protected void checkOptions() {
            super.checkOptions();
            if (name != null && !BaselineNames.isValid(name)) {
                throw new UsageException("--name: use " + BaselineNames.RULE);
            }
            if (kafka != null && instanceId == null) {
                throw new UsageException("--instance-id is required with --config/--bootstrap-servers: the analyzer knows an instance by the "
                        + "collector's id");
            }
        }

        /** With Kafka the analyzer takes the baseline: no connection needed. */
        @Override
        protected boolean needsDatabase() {
            return kafka == null;
        }

        @Override
        protected int run(Connection c, Output out) throws SQLException {
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            String n = name != null ? name : "baseline-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(now);
            Baseline b;
            String where;
            try {
                if (kafka != null) {
                    BaselineTopic topic = topic();
                    b = topic.request(instance(), n, wait);
                    where = topic.where() + " by the analyzer";
                } else {
                    BaselineFile store = (BaselineFile) store();
                    b = BaselineReader.read(c, instance(), n, now);
                    store.add(instance(), b);
                    where = store.where();
                }
            } catch (IOException e) {
                throw new UsageException(e.getMessage());
            }
            if (json()) {
                out.json(b);
            } else {
                out.println("Baseline '" + n + "' of " + instance() + " stored in " + where);
                out.print(metricsTable(b).render());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true, description = "Compare now with a baseline (default: the newest).",
            footer = {"", "Exit codes: 0 no regression, 1 a statement's mean time regressed, 2 no baseline, usage, file, Kafka or connection error."})
    public static final class Compare extends Sub {
        @Option(names = "--name", paramLabel = "NAME", description = "The baseline to compare with (default: the newest).")
        String name;

        /** The JSON document. */
        public record Report(String instance, BaselineComparison comparison, List<Finding> findings) {}

        @Override
        protected int run(Connection c, Output out) throws SQLException {
            BaselineStore store = store();
            Baseline before;
            try {
                before = store.find(instance(), name).orElseThrow(() -> new UsageException(name == null
                        ? "no baseline of " + instance() + " in " + store.where() + ": run 'pgvigil baseline create' first"
                        : "no baseline '" + name + "' of " + instance() + " in " + store.where()));
            } catch (IOException e) {
                throw new UsageException(e.getMessage());
            }
            Baseline now = BaselineReader.read(c, instance(), "now", Instant.now().truncatedTo(ChronoUnit.SECONDS));
            BaselineComparison comparison = BaselineComparison.compare(before, now);
            List<Finding> findings = BaselineFindings.of(comparison, instance());
            if (json()) {
                out.json(new Report(instance(), comparison, findings));
            } else {
                print(out, comparison, findings);
            }
            return Output.exitCode(findings);
        }

        private void print(Output out, BaselineComparison cmp, List<Finding> findings) {
            out.heading("Now against baseline '" + cmp.baselineName() + "' of " + instance());
            out.println("taken " + TIME.format(cmp.baselineAt()) + ", " + Human.duration(Duration.between(cmp.baselineAt(), cmp.now())) + " ago");
            out.println();
            TextTable t = new TextTable().left("metric").right("baseline").right("now").right("change").left("");
            for (MetricChange m : cmp.metrics()) {
                String marker = m.direction().marker() + (m.assessment() == null ? "" : " " + m.assessment());
                if ("worse".equals(m.assessment())) {
                    marker = out.colors().red(marker);
                } else if ("better".equals(m.assessment())) {
                    marker = out.colors().green(marker);
                }
                t.row(label(m.metric()), value(m.metric(), m.baseline()), value(m.metric(), m.now()), change(m), marker);
            }
            out.print(t.render());
            out.println();
            out.heading("Tables");
            TextTable tables = new TextTable().indent("  ").left("table").right("size then").right("size now").right("rows then")
                    .right("rows now").left("");
            cmp.tables().forEach(x -> tables.row(x.table(), bytes(x.sizeBytes().baseline()), bytes(x.sizeBytes().now()),
                    count(x.rows().baseline()), count(x.rows().now()), x.direction().marker()));
            out.print(tables.render());
            if (!cmp.statements().isEmpty()) {
                out.println();
                out.heading("Top statements, mean time");
                TextTable st = new TextTable().indent("  ").right("queryid").right("then").right("now").right("factor").left("").left("statement");
                for (StatementChange s : cmp.statements()) {
                    st.row(s.queryId(), s.meanTimeMs().baseline() == null ? "new" : Human.millis(s.meanTimeMs().baseline()),
                            s.meanTimeMs().now() == null ? "gone" : Human.millis(s.meanTimeMs().now()),
                            s.factor() == null ? "-" : Human.number(s.factor(), 2) + "x", s.direction().marker(),
                            Text.abbreviate(s.query() == null ? "" : s.query(), 70));
                }
                out.print(st.render());
            }
            out.println();
            out.findings(findings);
        }

        private static String change(MetricChange m) {
            if (m.change() == null) {
                return "-";
            }
            if (Baseline.CACHE_HIT_RATIO.equals(m.metric())) {
                return String.format(java.util.Locale.ROOT, "%+.1f pt", m.change() * 100);
            }
            String abs = BYTES.contains(m.metric()) ? signed(Human.bytes(Math.round(m.change())), m.change())
                    : signed(Human.count(Math.round(m.change())), m.change());
            return m.changeShare() == null ? abs : abs + " (" + String.format(java.util.Locale.ROOT, "%+.1f %%", m.changeShare() * 100) + ")";
        }

        private static String signed(String text, double v) {
            return v > 0 ? "+" + text : text;
        }

        private static String bytes(Double v) {
            return v == null ? "-" : Human.bytes(Math.round(v));
        }

        private static String count(Double v) {
            return v == null ? "-" : Human.count(Math.round(v));
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "List the stored baselines of the instance, oldest first.",
            footer = {"", "Exit codes: 0 listed, 2 usage, file or Kafka error."})
    public static final class Show extends Sub {
        @Override
        protected boolean needsDatabase() {
            return false;
        }

        @Override
        protected int run(Connection ignored, Output out) {
            BaselineStore store = store();
            List<Baseline> history;
            try {
                history = store.history(instance());
            } catch (IOException e) {
                throw new UsageException(e.getMessage());
            }
            if (json()) {
                out.json(history);
                return ExitCodes.OK;
            }
            if (history.isEmpty()) {
                out.println("No baselines of " + instance() + " in " + store.where() + ".");
                return ExitCodes.OK;
            }
            out.heading("Baselines of " + instance() + " (" + store.where() + ")");
            TextTable t = new TextTable().left("name").left("taken").right("database").right("tables").right("indexes").right("cache hit")
                    .right("connections");
            for (Baseline b : history) {
                t.row(b.name(), TIME.format(b.createdAt()), value(Baseline.DATABASE_SIZE_BYTES, b.metrics().get(Baseline.DATABASE_SIZE_BYTES)),
                        value(Baseline.TABLE_COUNT, b.metrics().get(Baseline.TABLE_COUNT)), value(Baseline.INDEX_COUNT, b.metrics().get(Baseline.INDEX_COUNT)),
                        value(Baseline.CACHE_HIT_RATIO, b.metrics().get(Baseline.CACHE_HIT_RATIO)),
                        value(Baseline.CONNECTIONS, b.metrics().get(Baseline.CONNECTIONS)));
            }
            out.print(t.render());
            return ExitCodes.OK;
        }
    }

    static TextTable metricsTable(Baseline b) {
        TextTable t = new TextTable().indent("  ").left("metric").right("value");
        b.metrics().forEach((k, v) -> t.row(label(k), value(k, v)));
        return t;
    }

    static String label(String metric) {
        return metric.replace("_bytes", "").replace('_', ' ');
    }

    static String value(String metric, Double v) {
        if (v == null) {
            return "-";
        }
        if (BYTES.contains(metric)) {
            return Human.bytes(Math.round(v));
        }
        if (Baseline.CACHE_HIT_RATIO.equals(metric)) {
            return Human.percent(v);
        }
        return Human.count(Math.round(v));
    }
}

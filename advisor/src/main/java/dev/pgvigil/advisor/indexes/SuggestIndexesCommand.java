package dev.pgvigil.advisor.indexes;

import dev.pgvigil.advisor.AdvisorCommand;
import dev.pgvigil.advisor.Output;
import dev.pgvigil.advisor.indexes.IndexAdvice.StatementGain;
import dev.pgvigil.advisor.indexes.IndexAdvice.Suggestion;
import dev.pgvigil.advisor.plan.HypoPg;
import dev.pgvigil.advisor.plan.Planner;
import dev.pgvigil.advisor.sql.Catalog;
import dev.pgvigil.catalogue.read.ServerInfoReader;
import dev.pgvigil.common.ExitCodes;
import dev.pgvigil.common.text.Human;
import dev.pgvigil.common.text.TextTable;
import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.FindingKind;
import dev.pgvigil.rules.Severity;
import dev.pgvigil.rules.Text;
import dev.pgvigil.schema.StatementStat;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pgvigil suggest-indexes}: which indexes the workload in pg_stat_statements asks for. */
@Command(name = "suggest-indexes",
        header = "Suggest indexes from the workload, verified with HypoPG when it is installed.",
        mixinStandardHelpOptions = true,
        description = {
                "Suggest indexes from the workload: parses the statements in pg_stat_statements, collects the columns "
                        + "they filter, join and sort on, weighs each candidate by the time its statements spend, rejects "
                        + "columns whose values repeat too much to be worth an index, and skips what an existing index already "
                        + "serves. With HypoPG installed in the database, every candidate is tried as a hypothetical index and "
                        + "kept only if it cuts a statement's planner cost by at least half; without it the advice is marked "
                        + "UNVERIFIED. The role needs SELECT on the tables (pg_stats and EXPLAIN show only what it may read)."},
        footer = {"", "Exit codes: 0 no index to suggest, 1 indexes suggested, 2 usage or connection error."})
public final class SuggestIndexesCommand extends AdvisorCommand {
    @Option(names = "--top", defaultValue = "200", paramLabel = "N",
            description = "Statements to read, most total time first (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--min-rows", defaultValue = "10000", paramLabel = "ROWS",
            description = "Ignore tables with fewer estimated rows (default: ${DEFAULT-VALUE}).")
    double minRows;

    @Option(names = "--max-selectivity", defaultValue = "0.1", paramLabel = "FRACTION",
            description = "Reject an index whose lookups return more than this share of the rows (default: ${DEFAULT-VALUE}).")
    double maxSelectivity;

    @Option(names = "--create-hypopg",
            description = "Run CREATE EXTENSION IF NOT EXISTS hypopg first (needs the database owner or a superuser).")
    boolean createHypoPg;

    @Override
    protected void checkOptions() {
        if (top < 1) {
            throw new UsageException("--top must be at least 1");
        }
        if (maxSelectivity <= 0 || maxSelectivity > 1) {
            throw new UsageException("--max-selectivity must be in (0, 1]");
        }
    }

    @Override
    protected int run(Connection c, Output out) throws SQLException {
        Consumer<String> progress = progress();
        if (createHypoPg && HypoPg.availability(c) == HypoPg.Availability.AVAILABLE_NOT_INSTALLED) {
            try {
                HypoPg.install(c);
            } catch (SQLException e) {
                spec.commandLine().getErr().println("pgvigil suggest-indexes: cannot create the hypopg extension: " + e.getMessage());
            }
        }
        HypoPg.Availability availability = HypoPg.availability(c);
        String database = ServerInfoReader.read(c).database();
        List<StatementStat> statements = WorkloadStatements.top(c, top);
        Catalog catalog = Catalog.load(c);
        IndexAdvisor advisor = new IndexAdvisor(catalog, new Planner(c), new CandidateBuilder.Settings(minRows, maxSelectivity), progress);
        Optional<HypoPg> hypo = HypoPg.open(c);
        IndexAdvice advice = advisor.advise(statements, hypo, availability.explanation(database));
        List<Finding> findings = findings(advice, instance());
        if (json()) {
            out.json(new Report(instance(), advice, findings));
        } else {
            print(out, advice);
        }
        return findings.isEmpty() ? ExitCodes.OK : ExitCodes.FINDINGS;
    }

    /** The JSON document: the advice, plus each suggestion as a shared-shape finding. */
    public record Report(String instance, IndexAdvice advice, List<Finding> findings) {}

    /** One {@code missing_index} finding per suggested index. */
    public static List<Finding> findings(IndexAdvice advice, String instance) {
        List<Finding> findings = new ArrayList<>();
        for (Suggestion s : advice.suggestions()) {
            String detail = s.statements().size() + " statement(s) spent " + Human.millis(s.totalTimeMs()) + " in "
                    + Human.count(s.calls()) + " calls filtering on " + String.join(", ", s.columns())
                    + (s.verified() && s.expectedGain() != null
                    ? "; HypoPG: planner cost cut by " + Human.percent(s.expectedGain())
                    : "; unverified (HypoPG not used)");
            findings.add(new Finding(FindingKind.MISSING_INDEX, Severity.WARNING, instance,
                    s.table() + " (" + String.join(", ", s.columns()) + ")", detail, s.createStatement(), List.of(s.createStatement())));
        }
        return findings;
    }

    private void print(Output out, IndexAdvice advice) {
        out.heading("Index advice for " + instance());
        out.println(advice.statementsRead() + " statements read from pg_stat_statements, " + advice.statementsUnderstood()
                + " of them on user tables.");
        out.println(advice.verified() ? out.colors().green(advice.verification()) : out.colors().yellow(advice.verification()));
        out.println();
        if (advice.suggestions().isEmpty()) {
            out.println(out.colors().green("No index to suggest."));
        }
        int n = 1;
        for (Suggestion s : advice.suggestions()) {
            out.println(out.colors().bold(n++ + ". " + s.createStatement()));
            String gain = s.expectedGain() != null ? "expected gain " + Human.percent(s.expectedGain()) + " of planner cost; " : "";
            out.println("   " + gain + "its statements spent " + Human.millis(s.totalTimeMs()) + " in " + Human.count(s.calls())
                    + " calls; a lookup returns about " + Human.count(Math.max(1, Math.round(s.estimatedRowsPerLookup()))) + " rows");
            TextTable t = new TextTable().indent("   ").right("queryid").right("calls").right("total").right("mean")
                    .right("cost before").right("after").right("gain").left("statement");
            for (StatementGain g : s.statements()) {
                t.row(g.queryId(), Human.count(g.calls()), Human.millis(g.totalTimeMs()), Human.millis(g.meanTimeMs()),
                        g.costBefore() == null ? "-" : Human.number(g.costBefore(), 1),
                        g.costAfter() == null ? "-" : Human.number(g.costAfter(), 1),
                        g.gain() == null ? "-" : Human.percent(g.gain()), Text.abbreviate(g.query(), 80));
            }
            out.print(t.render());
            out.println();
        }
        if (!advice.skipped().isEmpty()) {
            out.heading("Not suggested");
            TextTable t = new TextTable().indent("  ").left("index").left("why");
            for (CandidateBuilder.Skipped s : advice.skipped()) {
                t.row(s.table() + " (" + String.join(", ", s.columns()) + ")", s.reason());
            }
            out.print(t.render());
        }
    }
}

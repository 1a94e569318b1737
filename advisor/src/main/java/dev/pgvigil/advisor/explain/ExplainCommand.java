package dev.pgvigil.advisor.explain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgvigil.advisor.AdvisorCommand;
import dev.pgvigil.advisor.Output;
import dev.pgvigil.advisor.explain.PlanReview.Problem;
import dev.pgvigil.advisor.indexes.CandidateBuilder;
import dev.pgvigil.advisor.indexes.IndexAdvice;
import dev.pgvigil.advisor.indexes.IndexAdvisor;
import dev.pgvigil.advisor.indexes.SuggestIndexesCommand;
import dev.pgvigil.advisor.indexes.WorkloadStatements;
import dev.pgvigil.advisor.plan.HypoPg;
import dev.pgvigil.advisor.plan.ParameterValues;
import dev.pgvigil.advisor.plan.Planner;
import dev.pgvigil.advisor.sql.Catalog;
import dev.pgvigil.advisor.sql.SqlText;
import dev.pgvigil.advisor.sql.StatementParser;
import dev.pgvigil.advisor.sql.StatementShape;
import dev.pgvigil.catalogue.read.ServerInfoReader;
import dev.pgvigil.common.text.TextTable;
import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.FindingKind;
import dev.pgvigil.rules.Severity;
import dev.pgvigil.rules.Text;
import dev.pgvigil.schema.StatementStat;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pgvigil explain}: one statement's plan, what is wrong with it, and the index that would help. */
@Command(name = "explain",
        header = "Show a statement's plan as a readable tree and point at what matters.",
        mixinStandardHelpOptions = true,
        description = {
                "Show a statement's plan as a readable tree and point at what matters: sequential scans that filter a "
                        + "large table, row counts the planner misjudged, sorts and hashes that spilled to disk, and the index "
                        + "that would help.",
                "",
                "Without --analyze nothing is executed: a statement from pg_stat_statements (with $1, $2, ...) gets "
                        + "its generic plan. With --analyze the statement runs, always inside a transaction that is rolled "
                        + "back: a SELECT in a read-only one; INSERT, UPDATE, DELETE and MERGE only with --allow-writes (their "
                        + "triggers still fire and sequences still advance). DDL and other utility statements are refused. For "
                        + "--query-id with --analyze, each $n gets a representative value from pg_stats (most common value, "
                        + "histogram bound), quoted by the server."},
        footer = {"", "Examples:",
                "pgvigil explain --target postgresql://dba@db1/shop --sql \"SELECT * FROM orders WHERE customer_id = "
                        + "42\"",
                "  pgvigil explain --target postgresql://dba@db1/shop --query-id -6872451098713 --analyze",
                "", "Exit codes: 0 no problem found, 1 problems or a missing index found, 2 usage or connection "
                        + "error."})
public final class ExplainCommand extends AdvisorCommand {
    private static final Set<String> EXPLAINABLE = Set.of("SELECT", "WITH", "VALUES", "TABLE", "INSERT", "UPDATE", "DELETE", "MERGE");
    private static final Set<String> WRITES = Set.of("INSERT", "UPDATE", "DELETE", "MERGE");

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--query-id", paramLabel = "ID", description = "A statement of pg_stat_statements, by its queryid.")
        Long queryId;

        @Option(names = "--sql", paramLabel = "SQL", description = "The statement to explain.")
        String sql;
    }

    @Option(names = "--analyze", description = "Run the statement (in a transaction that is rolled back) and show actual rows and times.")
    boolean analyze;

    @Option(names = "--allow-writes", description = "With --analyze, let INSERT/UPDATE/DELETE/MERGE run; their changes are rolled back.")
    boolean allowWrites;

    @Option(names = "--large-table-rows", defaultValue = "10000", paramLabel = "ROWS",
            description = "Flag sequential scans on tables with at least this many rows (default: ${DEFAULT-VALUE}).")
    double largeTableRows;

    /** The JSON document. */
    public record Report(String instance, String statement, Long queryId, boolean analyzed, List<String> parameterValues,
                         JsonNode plan, List<Problem> problems, IndexAdvice indexAdvice, List<Finding> findings) {}

    @Override
    protected int run(Connection c, Output out) throws SQLException {
        StatementStat source = statement(c);
        String text = SqlText.singleStatement(SqlText.withoutPrepare(source.getQuery()));
        String keyword = SqlText.firstKeyword(text);
        if (!EXPLAINABLE.contains(keyword)) {
            throw new UsageException("explain takes SELECT, INSERT, UPDATE, DELETE or MERGE statements, not " + keyword);
        }
        Catalog catalog = Catalog.load(c);
        Optional<StatementShape> shape = new StatementParser(catalog).parse(text);
        boolean writes = WRITES.contains(keyword) || shape.map(s -> s.kind().modifiesData()).orElse(false);
        if (analyze && writes && !allowWrites) {
            throw new UsageException("refusing to EXPLAIN ANALYZE a statement that modifies data (" + keyword + "): it would run."
                    + " Pass --allow-writes to run it inside a transaction that is rolled back, or leave out --analyze");
        }
        Planner planner = new Planner(c);
        List<String> values = List.of();
        JsonNode plan;
        if (!analyze) {
            plan = planner.genericPlan(text);
        } else {
            int count = text.contains("$") ? planner.parameterCount(text) : 0;
            if (count > 0) {
                values = ParameterValues.representative(shape.orElseThrow(() -> new UsageException(
                        "cannot tell which columns the parameters of this statement compare with, so it cannot run with --analyze")),
                        catalog, count);
            }
            plan = analyzeRolledBack(c, planner, text, values, writes);
        }
        List<Problem> problems = new PlanReview(catalog, largeTableRows).review(plan);
        Optional<HypoPg> hypo = HypoPg.open(c);
        IndexAdvice advice = new IndexAdvisor(catalog, planner, CandidateBuilder.Settings.defaults(), progress())
                .advise(List.of(source), hypo, HypoPg.availability(c).explanation(ServerInfoReader.read(c).database()));
        List<Finding> findings = new ArrayList<>(SuggestIndexesCommand.findings(advice, instance()));
        String object = source.getQueryId() != 0 ? "queryid " + source.getQueryId() : Text.abbreviate(text, 60);
        for (Problem p : problems) {
            findings.add(new Finding(FindingKind.SLOW_QUERY, Severity.WARNING, instance(), object, p.node() + ": " + p.detail(), p.advice()));
        }
        if (json()) {
            out.json(new Report(instance(), text, source.getQueryId() != 0 ? source.getQueryId() : null, analyze, values, plan,
                    problems, advice, findings));
        } else {
            print(out, text, values, plan, problems, advice);
        }
        return Output.exitCode(findings);
    }

    /** The statement to explain: from --sql, or pg_stat_statements by queryid. */
    private StatementStat statement(Connection c) throws SQLException {
        if (source.sql != null) {
            return StatementStat.newBuilder().setQueryId(0).setUserId(0).setDbId(0).setQuery(source.sql).setCalls(1)
                    .setTotalExecTimeMs(0).setMeanExecTimeMs(0).setMinExecTimeMs(0).setMaxExecTimeMs(0).setStddevExecTimeMs(0)
                    .setRows(0).setSharedBlksHit(0).setSharedBlksRead(0).setSharedBlksDirtied(0).setSharedBlksWritten(0)
                    .setTempBlksRead(0).setTempBlksWritten(0).setBlkReadTimeMs(0).setBlkWriteTimeMs(0).build();
        }
        return WorkloadStatements.top(c, Integer.MAX_VALUE).stream()
                .filter(s -> s.getQueryId() == source.queryId)
                .findFirst()
                .orElseThrow(() -> new UsageException("no statement with queryid " + source.queryId + " in pg_stat_statements of "
                        + instance() + " (pgvigil suggest-indexes --json or pgvigil report lists them)"));
    }

    /** EXPLAIN ANALYZE inside a transaction that is always rolled back; read-only unless the statement writes. */
    private JsonNode analyzeRolledBack(Connection c, Planner planner, String text, List<String> values, boolean writes) throws SQLException {
        try (Statement s = c.createStatement()) {
            // explicit, tagged BEGIN/ROLLBACK (not the driver's): pg_stat_statements keeps utility statements too
            s.execute("BEGIN /* pgvigil */ " + (writes ? "READ WRITE" : "READ ONLY"));
            try {
                return planner.explain(text, values, true);
            } catch (SQLException e) {
                if ("25006".equals(e.getSQLState())) { // read_only_sql_transaction: a write hidden in a CTE or function
                    throw new UsageException("the statement tried to modify data (" + e.getMessage().lines().findFirst().orElse("")
                            + "); pass --allow-writes to run it inside a transaction that is rolled back");
                }
                throw e;
            } finally {
                s.execute("ROLLBACK /* pgvigil */");
            }
        }
    }

    private void print(Output out, String text, List<String> values, JsonNode plan, List<Problem> problems, IndexAdvice advice) {
        out.heading((analyze ? "EXPLAIN ANALYZE" : "EXPLAIN") + " on " + instance());
        out.println(Text.abbreviate(text, 200));
        if (!values.isEmpty()) {
            out.println(out.colors().dim("parameters: " + String.join(", ", values.stream().map(v -> v == null ? "NULL" : v).toList())));
        } else if (!analyze && text.contains("$")) {
            out.println(out.colors().dim("generic plan: parameters left unknown"));
        }
        if (analyze) {
            out.println(out.colors().dim("ran inside a transaction that was rolled back"));
        }
        out.println();
        out.print(PlanReview.render(plan, out.colors()));
        out.println();
        if (problems.isEmpty()) {
            out.println(out.colors().green("No problem found in the plan."));
        } else {
            out.heading("Problems (" + problems.size() + ")");
            for (Problem p : problems) {
                out.println("  " + out.colors().yellow(p.kind()) + "  " + p.node());
                out.println("      " + p.detail());
                out.println("      " + out.colors().dim("→ ") + p.advice());
            }
        }
        out.println();
        if (advice.suggestions().isEmpty()) {
            out.println("No index to suggest for this statement.");
        } else {
            out.heading("Index that would help");
            TextTable t = new TextTable().indent("  ").left("statement").right("gain");
            for (IndexAdvice.Suggestion s : advice.suggestions()) {
                t.row(s.createStatement(), s.expectedGain() == null ? "unverified" : dev.pgvigil.common.text.Human.percent(s.expectedGain()));
            }
            out.print(t.render());
            out.println(out.colors().dim(advice.verification()));
        }
    }
}

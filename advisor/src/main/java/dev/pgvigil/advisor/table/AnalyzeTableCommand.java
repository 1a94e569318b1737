package dev.pgvigil.advisor.table;

import dev.pgvigil.advisor.AdvisorCommand;
import dev.pgvigil.advisor.JudgingOptions;
import dev.pgvigil.advisor.Output;
import dev.pgvigil.advisor.RuleInputs;
import dev.pgvigil.advisor.Snapshots;
import dev.pgvigil.advisor.indexes.CandidateBuilder;
import dev.pgvigil.advisor.indexes.IndexAdvice;
import dev.pgvigil.advisor.indexes.IndexAdvisor;
import dev.pgvigil.advisor.plan.HypoPg;
import dev.pgvigil.advisor.plan.Planner;
import dev.pgvigil.advisor.sql.Catalog;
import dev.pgvigil.advisor.sql.StatementParser;
import dev.pgvigil.advisor.sql.StatementShape;
import dev.pgvigil.catalogue.read.ServerInfo;
import dev.pgvigil.catalogue.read.Snapshot;
import dev.pgvigil.common.text.Human;
import dev.pgvigil.common.text.TextTable;
import dev.pgvigil.rules.CacheHitRule;
import dev.pgvigil.rules.DeadRowsRule;
import dev.pgvigil.rules.DuplicateIndexRule;
import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.InvalidIndexRule;
import dev.pgvigil.rules.MissingIndexRule;
import dev.pgvigil.rules.Rule;
import dev.pgvigil.rules.RuleThresholds;
import dev.pgvigil.rules.TableBloatRule;
import dev.pgvigil.rules.Text;
import dev.pgvigil.rules.UnusedIndexRule;
import dev.pgvigil.rules.VacuumRule;
import dev.pgvigil.schema.DatabaseStat;
import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.StatementStat;
import dev.pgvigil.schema.TableStat;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pgvigil analyze-table NAME}: everything about one table a DBA looks at, and what to do about it. */
@Command(name = "analyze-table",
        header = "Everything about one table: size, rows, columns, indexes, bloat, vacuum history, statements.",
        mixinStandardHelpOptions = true,
        description = {
                "Everything about one table: size (heap, indexes, TOAST), rows, columns and types, constraints, "
                        + "indexes with their size and scans, dead rows and estimated bloat, vacuum and analyze history, and "
                        + "the statements from pg_stat_statements that touch it; then findings (vacuum overdue, bloat, unused, "
                        + "duplicate or invalid indexes). NAME is resolved by the server like any table name in SQL: "
                        + "schema.table, or along the search_path; quote mixed case (\"Orders\" or public.\"Orders\")."},
        footer = {"", "Exit codes: 0 healthy, 1 findings of warning or worse, 2 no such table, usage or connection error."})
public final class AnalyzeTableCommand extends AdvisorCommand {
    private static final int TOP_STATEMENTS = 10;

    @Parameters(index = "0", paramLabel = "NAME", description = "The table: name, schema.name, or a quoted identifier.")
    String name;

    @Option(names = "--unused-index-days", paramLabel = "DAYS",
            description = "Days of statistics before an index without scans counts as unused (default: 7).")
    Double unusedIndexDays;

    @Mixin
    JudgingOptions judging;

    private RuleThresholds thresholds;

    @Override
    protected void checkOptions() {
        thresholds = judging.thresholds();
    }

    public record Sizes(long heapBytes, long indexesBytes, long toastBytes, long totalBytes) {}

    public record Rows(long live, long dead, double deadShare, long modifiedSinceAnalyze, Long insertedSinceVacuum) {}

    public record Activity(long seqScans, long seqRowsRead, Long indexScans, long inserted, long updated, long deleted, long hotUpdated,
                           Double cacheHitRatio) {}

    public record Index(String name, String definition, long sizeBytes, long scans, boolean unique, boolean primary, boolean valid) {}

    /** Estimated bloat; null numbers when the columns lack statistics ({@code note} says so). */
    public record Bloat(Long expectedHeapBytes, Long wastedBytes, Double wastedShare, String note) {}

    public record Maintenance(Instant lastVacuum, Instant lastAutovacuum, Instant lastAnalyze, Instant lastAutoanalyze, long vacuumCount,
                              long autovacuumCount, long analyzeCount, long autoanalyzeCount, List<String> reloptions) {}

    public record TopStatement(long queryId, long calls, double totalTimeMs, double meanTimeMs, long rows, String query) {}

    /** The JSON document. */
    public record Report(String instance, String table, String kind, Sizes sizes, Rows rows, Activity activity,
                         List<TableDetails.Column> columns, List<TableDetails.Constraint> constraints, List<Index> indexes, Bloat bloat,
                         Maintenance maintenance, Instant statisticsSince, List<TopStatement> statements, List<Finding> findings) {}

    @Override
    protected int run(Connection c, Output out) throws SQLException {
        TableName table = TableName.resolve(c, name);
        Snapshot snapshot = Snapshots.take(c, instance());
        ServerInfo server = snapshot.server();
        if (snapshot.tables() == null || snapshot.indexes() == null) {
            throw new UsageException("cannot read the table statistics: " + String.join("; ", snapshot.warnings()));
        }
        TableStat stat = snapshot.tables().stream().filter(t -> t.getRelid() == table.oid()).findFirst()
                .orElseThrow(() -> new UsageException(table.schema() + "." + table.name() + " has no statistics (pg_stat_user_tables)"));
        List<IndexStat> indexes = snapshot.indexes().stream().filter(i -> i.getRelid() == table.oid()).toList();
        Instant statsSince = (snapshot.databases() == null ? List.<DatabaseStat>of() : snapshot.databases()).stream()
                .filter(d -> Objects.equals(d.getDatname(), server.database())).map(DatabaseStat::getStatsReset)
                .filter(Objects::nonNull).findFirst().orElse(server.postmasterStartTime());

        long heap = stat.getHeapSizeBytes();
        Sizes sizes = new Sizes(heap, stat.getIndexesSizeBytes(), stat.getToastSizeBytes(),
                heap + stat.getIndexesSizeBytes() + stat.getToastSizeBytes());
        Rows rows = new Rows(stat.getNLiveTup(), stat.getNDeadTup(), DeadRowsRule.share(stat.getNLiveTup(), stat.getNDeadTup()),
                stat.getNModSinceAnalyze(), stat.getNInsSinceVacuum());
        double heapHit = CacheHitRule.ratio(stat.getHeapBlksHit(), stat.getHeapBlksRead());
        Activity activity = new Activity(stat.getSeqScan(), stat.getSeqTupRead(), stat.getIdxScan(), stat.getNTupIns(), stat.getNTupUpd(),
                stat.getNTupDel(), stat.getNTupHotUpd(), Double.isNaN(heapHit) ? null : heapHit);
        Optional<Long> expected = Optional.ofNullable(BloatInputs.read(c, table.oid()).get(table.oid()))
                .flatMap(b -> b.expectedHeapBytes(stat.getNLiveTup()));
        Bloat bloat = expected.map(e -> new Bloat(e, TableBloatRule.wastedBytes(heap, e), TableBloatRule.wastedShare(heap, e),
                        "estimated from the rows and pg_stats column widths"))
                .orElse(new Bloat(null, null, null, "not estimated: some columns have no statistics (ANALYZE " + qualified(table) + ")"));
        Maintenance maintenance = new Maintenance(stat.getLastVacuum(), stat.getLastAutovacuum(), stat.getLastAnalyze(),
                stat.getLastAutoanalyze(), stat.getVacuumCount(), stat.getAutovacuumCount(), stat.getAnalyzeCount(),
                stat.getAutoanalyzeCount(), stat.getReloptions());
        List<Index> indexRows = indexes.stream().map(i -> new Index(i.getIndexName(), i.getDefinition(), i.getSizeBytes(), i.getIdxScan(),
                i.getIsUnique(), i.getIsPrimary(), i.getIsValid())).toList();
        List<StatementStat> touching = statementsTouching(c, table, snapshot);

        IndexAdvice advice = touching.isEmpty() ? null
                : new IndexAdvisor(Catalog.load(c), new Planner(c), CandidateBuilder.Settings.defaults(), progress())
                        .advise(touching, HypoPg.open(c), HypoPg.availability(c).explanation(server.database()));
        List<Finding> findings = findings(table, stat, indexes, statsSince, expected, touching, advice);
        List<TopStatement> top = touching.stream().limit(TOP_STATEMENTS)
                .map(s -> new TopStatement(s.getQueryId(), s.getCalls(), s.getTotalExecTimeMs(), s.getMeanExecTimeMs(), s.getRows(), s.getQuery()))
                .toList();
        Report report = new Report(instance(), table.schema() + "." + table.name(), table.kindName(), sizes, rows, activity,
                TableDetails.columns(c, table.oid()), TableDetails.constraints(c, table.oid()), indexRows, bloat, maintenance, statsSince,
                top, findings);
        if (json()) {
            out.json(report);
        } else {
            print(out, report);
        }
        return Output.exitCode(findings);
    }

    private List<Finding> findings(TableName table, TableStat stat, List<IndexStat> indexes, Instant statsSince, Optional<Long> expected,
                                   List<StatementStat> touching, IndexAdvice advice) {
        Instant now = Instant.now();
        List<Finding> findings = new ArrayList<>();
        VacuumRule.evaluate(instance(), RuleInputs.table(stat), now, thresholds.get(Rule.DEAD_ROWS)).ifPresent(findings::add);
        expected.flatMap(e -> TableBloatRule.evaluate(instance(), table.schema(), table.name(), stat.getNLiveTup(), stat.getHeapSizeBytes(), e,
                thresholds.get(Rule.TABLE_BLOAT))).ifPresent(findings::add);
        List<dev.pgvigil.rules.IndexInfo> infos = indexes.stream().map(RuleInputs::index).toList();
        for (dev.pgvigil.rules.IndexInfo i : infos) {
            UnusedIndexRule.evaluate(instance(), i, statsSince, now, unusedIndexThreshold(thresholds, unusedIndexDays)).ifPresent(findings::add);
            InvalidIndexRule.evaluate(instance(), i).ifPresent(findings::add);
        }
        findings.addAll(DuplicateIndexRule.evaluate(instance(), infos));
        MissingIndexRule.TableScans scans = new MissingIndexRule.TableScans(table.schema(), table.name(), stat.getSeqScan(), stat.getSeqTupRead(),
                stat.getIdxScan() == null ? 0 : stat.getIdxScan(), stat.getNLiveTup());
        List<MissingIndexRule.StatementInfo> statements = touching.stream()
                .map(s -> new MissingIndexRule.StatementInfo(s.getQueryId(), s.getQuery(), s.getCalls(), s.getTotalExecTimeMs())).toList();
        MissingIndexRule.evaluate(instance(), scans, statements, thresholds.get(Rule.MISSING_INDEX))
                .map(f -> advice == null ? f : advice.refine(f, qualified(table))).ifPresent(findings::add);
        return findings;
    }

    /** The unused-index levels, with the days of statistics it needs replaced when the user says so. */
    public static dev.pgvigil.rules.Threshold unusedIndexThreshold(RuleThresholds thresholds, Double days) {
        dev.pgvigil.rules.Threshold t = thresholds.get(Rule.UNUSED_INDEX);
        if (days == null) {
            return t;
        }
        if (days < 0) {
            throw new UsageException("--unused-index-days must be 0 or more");
        }
        return new dev.pgvigil.rules.Threshold(t.enabled(), t.warning(), t.critical(), t.forIntervals(), days);
    }

    /** Statements of pg_stat_statements whose parsed text reads or writes the table, most total time first. */
    private static List<StatementStat> statementsTouching(Connection c, TableName table, Snapshot snapshot) throws SQLException {
        if (snapshot.statements() == null) {
            return List.of(); // pg_stat_statements missing: the rest of the report stands without it
        }
        StatementParser parser = new StatementParser(Catalog.load(c));
        return snapshot.statements().stream()
                .filter(s -> Objects.equals(s.getDatname(), snapshot.server().database()) && s.getQuery() != null)
                .filter(s -> parser.parse(s.getQuery()).map(StatementShape::tableOids).map(o -> o.contains(table.oid())).orElse(false))
                .sorted(java.util.Comparator.comparingDouble(StatementStat::getTotalExecTimeMs).reversed())
                .toList();
    }

    private static String qualified(TableName t) {
        return dev.pgvigil.rules.Sql.qualified(t.schema(), t.name());
    }

    private void print(Output out, Report r) {
        out.heading("Table " + r.table() + " (" + r.kind() + ") on " + r.instance());
        TextTable sizes = new TextTable().indent("  ").left("part").right("size");
        sizes.row("heap", Human.bytes(r.sizes().heapBytes()));
        sizes.row("indexes", Human.bytes(r.sizes().indexesBytes()));
        sizes.row("TOAST", Human.bytes(r.sizes().toastBytes()));
        sizes.row("total", Human.bytes(r.sizes().totalBytes()));
        out.print(sizes.render());
        out.println();
        out.println("  rows: " + Human.count(r.rows().live()) + " live, " + Human.count(r.rows().dead()) + " dead ("
                + Human.percent(r.rows().deadShare()) + "), " + Human.count(r.rows().modifiedSinceAnalyze()) + " changed since the last analyze");
        Bloat b = r.bloat();
        out.println("  bloat: " + (b.wastedBytes() == null ? b.note()
                : Human.bytes(b.wastedBytes()) + " (" + Human.percent(b.wastedShare()) + " of the heap) beyond the "
                + Human.bytes(b.expectedHeapBytes()) + " the live rows need, " + b.note()));
        Activity a = r.activity();
        out.println("  activity since " + (r.statisticsSince() == null ? "the statistics reset"
                : "the statistics reset " + Human.duration(Duration.between(r.statisticsSince(), Instant.now())) + " ago") + ": "
                + Human.count(a.seqScans()) + " sequential scans (" + Human.count(a.seqRowsRead()) + " rows read), "
                + (a.indexScans() == null ? "no index" : Human.count(a.indexScans()) + " index scans") + "; "
                + Human.count(a.inserted()) + " inserted, " + Human.count(a.updated()) + " updated (" + Human.count(a.hotUpdated()) + " HOT), "
                + Human.count(a.deleted()) + " deleted" + (a.cacheHitRatio() == null ? "" : "; heap cache hit " + Human.percent(a.cacheHitRatio())));
        out.println();

        out.heading("Columns");
        TextTable cols = new TextTable().indent("  ").left("column").left("type").left("null").right("distinct").right("nulls")
                .right("width").left("default");
        for (TableDetails.Column col : r.columns()) {
            cols.row(col.name(), col.type(), col.notNull() ? "not null" : "", col.distinctValues() == null ? "-" : Human.count(Math.round(col.distinctValues())),
                    col.nullFraction() == null ? "-" : Human.percent(col.nullFraction()), col.averageWidthBytes() == null ? "-" : col.averageWidthBytes() + " B",
                    col.defaultValue() == null ? "" : Text.abbreviate(col.defaultValue(), 40));
        }
        out.print(cols.render());
        out.println();
        if (!r.constraints().isEmpty()) {
            out.heading("Constraints");
            TextTable cons = new TextTable().indent("  ").left("name").left("kind").left("definition");
            r.constraints().forEach(con -> cons.row(con.name(), con.kind(), Text.abbreviate(con.definition(), 80)));
            out.print(cons.render());
            out.println();
        }
        out.heading("Indexes");
        TextTable idx = new TextTable().indent("  ").left("index").right("size").right("scans").left("definition");
        for (Index i : r.indexes()) {
            idx.row(i.name() + (i.valid() ? "" : " (INVALID)"), Human.bytes(i.sizeBytes()), Human.count(i.scans()), Text.abbreviate(i.definition(), 90));
        }
        out.print(r.indexes().isEmpty() ? "  none\n" : idx.render());
        out.println();
        out.heading("Vacuum and analyze");
        Maintenance m = r.maintenance();
        Instant now = Instant.now();
        TextTable vac = new TextTable().indent("  ").left("").left("last").right("count");
        vac.row("vacuum", ago(m.lastVacuum(), now), Human.count(m.vacuumCount()));
        vac.row("autovacuum", ago(m.lastAutovacuum(), now), Human.count(m.autovacuumCount()));
        vac.row("analyze", ago(m.lastAnalyze(), now), Human.count(m.analyzeCount()));
        vac.row("autoanalyze", ago(m.lastAutoanalyze(), now), Human.count(m.autoanalyzeCount()));
        out.print(vac.render());
        if (!m.reloptions().isEmpty()) {
            out.println("  options: " + String.join(", ", m.reloptions()));
        }
        out.println();
        out.heading("Top statements touching it");
        if (r.statements().isEmpty()) {
            out.println("  none in pg_stat_statements");
        } else {
            TextTable st = new TextTable().indent("  ").right("queryid").right("calls").right("total").right("mean").left("statement");
            r.statements().forEach(s -> st.row(s.queryId(), Human.count(s.calls()), Human.millis(s.totalTimeMs()), Human.millis(s.meanTimeMs()),
                    Text.abbreviate(s.query(), 90)));
            out.print(st.render());
        }
        out.println();
        out.findings(r.findings());
    }

    private static String ago(Instant then, Instant now) {
        return then == null ? "never" : Human.duration(Duration.between(then, now)) + " ago";
    }
}

package dev.pgvigil.advisor.report;

import dev.pgvigil.advisor.AdvisorCommand;
import dev.pgvigil.advisor.JudgingOptions;
import dev.pgvigil.advisor.Output;
import dev.pgvigil.advisor.Snapshots;
import dev.pgvigil.advisor.connect.DurationConverter;
import dev.pgvigil.advisor.indexes.CandidateBuilder;
import dev.pgvigil.advisor.indexes.IndexAdvice;
import dev.pgvigil.advisor.indexes.IndexAdvisor;
import dev.pgvigil.advisor.plan.HypoPg;
import dev.pgvigil.advisor.plan.Planner;
import dev.pgvigil.advisor.report.HealthReport.Connections;
import dev.pgvigil.advisor.report.HealthReport.DatabaseSummary;
import dev.pgvigil.advisor.report.HealthReport.StatementRow;
import dev.pgvigil.advisor.report.HealthReport.IndexRow;
import dev.pgvigil.advisor.report.HealthReport.TableRow;
import dev.pgvigil.advisor.table.AnalyzeTableCommand;
import dev.pgvigil.advisor.sql.Catalog;
import dev.pgvigil.advisor.table.BloatInputs;
import dev.pgvigil.catalogue.ask.StatisticsReset;
import dev.pgvigil.catalogue.read.Snapshot;
import dev.pgvigil.common.text.Human;
import dev.pgvigil.common.text.TextTable;
import dev.pgvigil.rules.Rule;
import dev.pgvigil.rules.RuleThresholds;
import dev.pgvigil.rules.Text;
import dev.pgvigil.rules.Threshold;
import dev.pgvigil.schema.StatementStat;
import java.io.Console;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgvigil report}: the health of one database now, and what to do about it. */
@Command(name = "report",
        header = "A health report of one database, with recommendations.",
        mixinStandardHelpOptions = true,
        description = {
                "A health report of one database: slowest statements, tables (size, rows, dead rows, writes, bloat), indexes (scans, size, unused/duplicate/invalid), "
                        + "unused, duplicate and invalid indexes, cache hit ratio, connections by state against "
                        + "max_connections, long and blocked sessions; then every finding with what to do about it. Decisions "
                        + "are the same rules the streaming analyzer applies.",
                "",
                "Without --interval the counters are judged since their last reset (the report says how long ago that "
                        + "was); with --interval two snapshots are taken that far apart and only the interval is judged."},
        footer = {"", "Examples:",
                "  pgvigil report --target postgresql://monitor@db1/shop --password-env PGPW",
                "  pgvigil report --target postgresql://monitor@db1/shop --interval 30s --detailed",
                "  pgvigil report --target postgresql://dba@db1/shop --reset-stats --yes",
                "", "Exit codes: 0 healthy, 1 findings of warning or worse, 2 usage or connection error."})
public final class ReportCommand extends AdvisorCommand {
    private static final int ROWS = 10;
    private static final int DETAILED_ROWS = 50;
    /** Statements the index advisor looks at, most total time first. */
    private static final int ADVISED_STATEMENTS = 200;

    @Option(names = "--interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Judge only what happens during this interval (1s to 1h), e.g. 10s, 2m.")
    Duration interval;

    @Option(names = "--detailed", description = "Longer lists (50 statements and tables instead of 10) and the sessions worth a look.")
    boolean detailed;

    @Option(names = "--slow-query-ms", paramLabel = "MS",
            description = "A statement with a mean time above this is slow (default: the statement mean time rule's warning level, 100 ms).")
    Double slowQueryMs;

    @Option(names = "--unused-index-days", paramLabel = "DAYS",
            description = "Days of statistics before an index without scans counts as unused (default: 7).")
    Double unusedIndexDays;

    @Option(names = "--reset-stats",
            description = "After the report, reset pg_stat_statements and the statistics counters of this database (asks first).")
    boolean resetStats;

    @Option(names = "--yes", description = "With --reset-stats: do not ask.")
    boolean yes;

    @Mixin
    JudgingOptions judging;

    private RuleThresholds thresholds;

    @Override
    protected void checkOptions() {
        thresholds = judging.thresholds();
        if (interval != null && (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofHours(1)) > 0)) {
            throw new UsageException("--interval must be between 1s and 1h");
        }
        if (yes && !resetStats) {
            throw new UsageException("--yes only goes with --reset-stats");
        }
        if (resetStats && !yes && System.console() == null) {
            throw new UsageException("--reset-stats asks for confirmation at a terminal; pass --yes to reset without asking");
        }
        if (slowQueryMs != null && slowQueryMs <= 0) {
            throw new UsageException("--slow-query-ms must be above 0");
        }
    }

    @Override
    protected int run(Connection c, Output out) throws SQLException {
        Snapshot first = null;
        if (interval != null) {
            first = Snapshots.take(c, instance());
            progress().accept("first snapshot taken; the second follows in " + Human.duration(interval));
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UsageException("interrupted while waiting for the second snapshot");
            }
        }
        Snapshot last = Snapshots.take(c, instance());
        Map<Long, BloatInputs> bloat = BloatInputs.read(c, null);
        Threshold mean = thresholds.get(Rule.STATEMENT_MEAN_TIME);
        Threshold slow = slowQueryMs == null ? mean
                : new Threshold(mean.enabled(), slowQueryMs, Math.max(mean.critical(), slowQueryMs), mean.forIntervals(), mean.minEvidence());
        HealthReport report = new ReportBuilder(instance(), thresholds, slow, AnalyzeTableCommand.unusedIndexThreshold(thresholds, unusedIndexDays))
                .build(first, last, bloat, indexAdvice(c, last));
        if (json()) {
            out.json(report);
        } else {
            print(out, report);
        }
        if (resetStats) {
            resetStatistics(c, out, last.server().database());
        }
        return Output.exitCode(report.findings());
    }

    /** The index advisor on the database's statements, to say which columns a table that needs an index needs it on. */
    private IndexAdvice indexAdvice(Connection c, Snapshot last) throws SQLException {
        if (last.statements() == null) {
            return null;
        }
        List<StatementStat> statements = last.statements().stream()
                .filter(s -> Objects.equals(s.getDatname(), last.server().database()) && s.getQuery() != null)
                .sorted(Comparator.comparingDouble(StatementStat::getTotalExecTimeMs).reversed())
                .limit(ADVISED_STATEMENTS)
                .toList();
        HypoPg.Availability availability = HypoPg.availability(c);
        return new IndexAdvisor(Catalog.load(c), new Planner(c), CandidateBuilder.Settings.defaults(), progress())
                .advise(statements, HypoPg.open(c), availability.explanation(last.server().database()));
    }

    private void resetStatistics(Connection c, Output out, String database) throws SQLException {
        if (!yes) {
            Console console = System.console();
            String answer = console == null ? null
                    : console.readLine("Reset pg_stat_statements and the statistics counters of database %s? [y/N] ", database);
            if (answer == null || !answer.strip().toLowerCase(Locale.ROOT).startsWith("y")) {
                spec.commandLine().getErr().println("pgvigil report: statistics not reset");
                return;
            }
        }
        StatisticsReset reset;
        try {
            reset = StatisticsReset.run(c);
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new UsageException("cannot reset the statistics: " + e.getMessage().lines().findFirst().orElse("")
                        + " (needs a superuser, or GRANT EXECUTE ON FUNCTION pg_stat_reset() and pg_stat_statements_reset(oid, oid, bigint))");
            }
            throw e;
        }
        spec.commandLine().getErr().println("pgvigil report: statistics of " + database + (reset.statements() ? " and its pg_stat_statements" : "")
                + " reset; the next report starts from now");
    }

    private void print(Output out, HealthReport r) {
        int rows = detailed ? DETAILED_ROWS : ROWS;
        out.heading("Health report for " + r.instance() + " (PostgreSQL " + r.serverVersion() + ")");
        out.println("Covers " + r.period().description() + ".");
        if (!r.period().interval() && r.period().statementsResetAt() != null) {
            out.println("pg_stat_statements counts since " + r.period().statementsResetAt() + ".");
        }
        out.println();
        DatabaseSummary d = r.database();
        if (d != null) {
            out.heading("Database " + r.databaseName());
            TextTable t = new TextTable().indent("  ").left("").right("");
            t.row("size", Human.bytes(d.sizeBytes()));
            t.row("cache hit ratio", d.cacheHitRatio() == null ? "-" : Human.percent(d.cacheHitRatio())
                    + " (" + Human.count(d.blocksHit()) + " hits, " + Human.count(d.blocksRead()) + " reads)");
            t.row("transactions", Human.count(d.commits()) + " commits, " + Human.count(d.rollbacks()) + " rollbacks");
            t.row("temporary files", Human.bytes(d.tempBytes()));
            t.row("deadlocks", Human.count(d.deadlocks()));
            t.row("transaction ID age", Human.count(d.frozenXidAge()) + " (" + Human.percent(d.frozenXidAge() / 2147483648.0) + " of wraparound)");
            out.print(stripHeader(t.render()));
            out.println();
        }
        Connections c = r.connections();
        if (c != null) {
            out.heading("Connections: " + c.total() + " of " + c.usable() + " usable (max_connections " + c.maxConnections() + ")");
            String states = c.byState().isEmpty() ? "no sessions but pgvigil's"
                    : c.byState().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
            out.println("  " + states + "; " + c.idleInTransaction() + " idle in transaction, " + c.waitingOnLocks() + " waiting on a lock"
                    + (c.oldestTransactionSeconds() == null ? "" : "; oldest transaction " + Human.duration(Duration.ofMillis((long) (c.oldestTransactionSeconds() * 1000)))));
            out.println();
        }
        out.heading("Statements by total time" + (r.statements().size() > rows ? " (top " + rows + " of " + r.statements().size() + ")" : ""));
        if (r.statements().isEmpty()) {
            out.println("  none" + (r.warnings().stream().anyMatch(w -> w.startsWith("statements")) ? " (pg_stat_statements not available)" : ""));
        } else {
            TextTable t = new TextTable().indent("  ").right("queryid").right("calls").right("total").right("mean").right("p95")
                    .right("rows").left("statement");
            for (StatementRow s : r.statements().stream().limit(rows).toList()) {
                t.row(s.queryId(), Human.count(s.calls()), Human.millis(s.totalTimeMs()), Human.millis(s.meanTimeMs()), Human.millis(s.p95TimeMs()),
                        Human.count(s.rows()), Text.abbreviate(s.query() == null ? "" : s.query(), 70));
            }
            out.print(t.render());
        }
        out.println();
        out.heading("Tables by size" + (r.tables().size() > rows ? " (top " + rows + " of " + r.tables().size() + ")" : ""));
        TextTable t = new TextTable().indent("  ").left("table").right("size").right("live rows").right("dead").right("inserts")
                .right("updates").right("deletes").right("seq scans").right("idx scans").right("bloat");
        for (TableRow x : r.tables().stream().limit(rows).toList()) {
            t.row(x.table(), Human.bytes(x.totalBytes()), Human.count(x.liveRows()), Human.percent(x.deadShare()), Human.count(x.inserted()),
                    Human.count(x.updated()), Human.count(x.deleted()), Human.count(x.seqScans()),
                    x.indexScans() == null ? "-" : Human.count(x.indexScans()), x.bloatShare() == null ? "-" : Human.percent(x.bloatShare()));
        }
        out.print(t.render());
        out.println();
        out.heading("Indexes by size" + (r.indexes().size() > rows ? " (top " + rows + " of " + r.indexes().size() + ")" : ""));
        TextTable ix = new TextTable().indent("  ").left("index").left("table").right("scans").right("size").left("marks");
        for (IndexRow i : r.indexes().stream().limit(rows).toList()) {
            ix.row(i.index(), i.table(), Human.count(i.scans()), Human.bytes(i.sizeBytes()), String.join(", ", i.marks()));
        }
        out.print(ix.render());
        out.println();
        if (r.replication() != null) {
            printReplication(out, r.replication());
        }
        if (!r.warnings().isEmpty()) {
            out.heading("Not read");
            r.warnings().forEach(w -> out.println("  " + out.colors().yellow(w)));
            out.println();
        }
        out.findings(r.findings());
    }

    private static void printReplication(Output out, HealthReport.Replication x) {
        out.heading("Replication and WAL: " + x.role() + " (system " + x.systemIdentifier() + ", timeline " + x.timeline() + ")");
        TextTable t = new TextTable().indent("  ").left("").left("");
        if (x.walPosition() != null) {
            t.row("WAL position", x.walPosition());
        } else {
            t.row("received / replayed", x.received() + " / " + x.replayed() + (Boolean.TRUE.equals(x.replayPaused()) ? " (replay PAUSED)" : ""));
            t.row("last replayed commit", x.lastReplayedCommitAt() == null ? "-" : String.valueOf(x.lastReplayedCommitAt()));
            t.row("WAL receiver", x.walReceiver());
        }
        t.row("WAL written", x.walBytesPerSecond() == null ? "-" : Human.bytes(Math.round(x.walBytesPerSecond())) + "/s");
        HealthReport.Archiver a = x.archiver();
        if (a != null) {
            t.row("archiving", "archive_mode " + a.mode() + ", " + Human.count(a.archived()) + " archived, " + Human.count(a.failed()) + " failed"
                    + (a.failing() ? ", FAILING since " + a.lastFailedAt() + " (" + a.lastFailedWal() + ")" : ""));
        }
        HealthReport.Checkpoints c = x.checkpoints();
        if (c != null) {
            t.row("checkpoints", Human.count(c.timed()) + " timed, " + Human.count(c.requested()) + " requested " + c.over()
                    + " (write " + Human.millis(c.writeTimeMs()) + ", sync " + Human.millis(c.syncTimeMs()) + ")");
        }
        x.horizon().stream().findFirst().ifPresent(h -> t.row("vacuum horizon", "oldest xmin (age " + Human.count(h.xminAge()) + ") held by "
                + h.holder() + (h.heldSeconds() == null ? "" : " for " + Human.seconds(h.heldSeconds()))));
        out.print(stripHeader(t.render()));
        if (!x.standbys().isEmpty()) {
            TextTable s = new TextTable().indent("  ").left("standby").left("state").left("sync").right("replay lag").right("not replayed");
            x.standbys().forEach(r -> s.row(r.name(), r.state(), r.syncState(), r.replayLagSeconds() == null ? "-" : Human.seconds(r.replayLagSeconds()),
                    r.notReplayedBytes() == null ? "-" : Human.bytes(r.notReplayedBytes())));
            out.print(s.render());
        }
        if (!x.slots().isEmpty()) {
            TextTable s = new TextTable().indent("  ").left("slot").left("type").left("active").left("wal_status").right("retained");
            x.slots().forEach(r -> s.row(r.slot(), r.type(), r.active() ? "yes" : "no", r.walStatus() == null ? "-" : r.walStatus(),
                    r.retainedBytes() == null ? "-" : Human.bytes(r.retainedBytes())));
            out.print(s.render());
        }
        out.println();
    }

    /** A two-column key/value table reads better without its empty header. */
    private static String stripHeader(String rendered) {
        return rendered.lines().skip(2).map(l -> l + "\n").collect(Collectors.joining());
    }
}

package dev.pgvigil.advisor.report;

import dev.pgvigil.advisor.RuleInputs;
import dev.pgvigil.advisor.indexes.IndexAdvice;
import dev.pgvigil.advisor.report.HealthReport.Connections;
import dev.pgvigil.advisor.report.HealthReport.DatabaseSummary;
import dev.pgvigil.advisor.report.HealthReport.Period;
import dev.pgvigil.advisor.report.HealthReport.StatementRow;
import dev.pgvigil.advisor.report.HealthReport.TableRow;
import dev.pgvigil.advisor.table.BloatInputs;
import dev.pgvigil.catalogue.read.Snapshot;
import dev.pgvigil.common.text.Human;
import dev.pgvigil.rules.BlockedSessionsRule;
import dev.pgvigil.rules.CacheHitRule;
import dev.pgvigil.rules.ConnectionsRule;
import dev.pgvigil.rules.CounterDelta;
import dev.pgvigil.rules.DeadRowsRule;
import dev.pgvigil.rules.Decision;
import dev.pgvigil.rules.DuplicateIndexRule;
import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.IdleInTransactionRule;
import dev.pgvigil.rules.IndexInfo;
import dev.pgvigil.rules.InvalidIndexRule;
import dev.pgvigil.rules.LongRunningQueryRule;
import dev.pgvigil.rules.MissingIndexRule;
import dev.pgvigil.rules.Rule;
import dev.pgvigil.rules.RuleThresholds;
import dev.pgvigil.rules.Session;
import dev.pgvigil.rules.Sql;
import dev.pgvigil.rules.StatementMeanTimeRule;
import dev.pgvigil.rules.TableBloatRule;
import dev.pgvigil.rules.Threshold;
import dev.pgvigil.rules.UnusedIndexRule;
import dev.pgvigil.rules.VacuumRule;
import dev.pgvigil.rules.XidWraparoundRule;
import dev.pgvigil.schema.ActivitySnapshot;
import dev.pgvigil.schema.DatabaseStat;
import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.StatementStat;
import dev.pgvigil.schema.TableStat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Builds a {@link HealthReport} from one snapshot (judging the counters since their reset) or two
 * (judging the interval between them). Every decision is the shared rule functions' ({@code rules}):
 * this class only turns the collector's rows into their inputs, counters into deltas, and orders the
 * result for reading.
 */
public final class ReportBuilder {
    private final String instance;
    private final RuleThresholds thresholds;
    private final Threshold slowQuery;
    private final Threshold unusedIndex;

    public ReportBuilder(String instance, RuleThresholds thresholds, Threshold slowQuery, Threshold unusedIndex) {
        this.instance = instance;
        this.thresholds = thresholds;
        this.slowQuery = slowQuery;
        this.unusedIndex = unusedIndex;
    }

    /**
     * {@code first} is null for a report since the stats reset. {@code bloat} holds the bloat inputs by
     * table oid (may be empty); {@code advice} the index advisor's answer for the statements (null: none).
     */
    public HealthReport build(Snapshot first, Snapshot last, Map<Long, BloatInputs> bloat, IndexAdvice advice) {
        String db = last.server().database();
        List<Finding> findings = new ArrayList<>();
        List<String> warnings = new ArrayList<>(last.warnings());
        if (first != null) {
            first.warnings().stream().filter(w -> !warnings.contains(w)).forEach(warnings::add);
        }
        Instant now = last.ref().getCollectedAt();

        DatabaseStat dbNow = own(last.databases(), db);
        DatabaseStat dbThen = first == null ? null : own(first.databases(), db);
        Instant statsReset = dbNow == null ? null : dbNow.getStatsReset();
        boolean reset = first != null && dbThen != null && CounterDelta.newSeries(dbThen.getStatsReset(), statsReset);
        Period period = period(first, last, statsReset);

        DatabaseSummary summary = null;
        if (dbNow != null) {
            DatabaseStat base = reset ? null : dbThen;
            long hit = delta(base == null ? 0 : base.getBlksHit(), dbNow.getBlksHit());
            long read = delta(base == null ? 0 : base.getBlksRead(), dbNow.getBlksRead());
            summary = new DatabaseSummary(dbNow.getSizeBytes(), hit + read == 0 ? null : CacheHitRule.ratio(hit, read), hit, read,
                    delta(base == null ? 0 : base.getXactCommit(), dbNow.getXactCommit()),
                    delta(base == null ? 0 : base.getXactRollback(), dbNow.getXactRollback()),
                    delta(base == null ? 0 : base.getTempBytes(), dbNow.getTempBytes()),
                    delta(base == null ? 0 : base.getDeadlocks(), dbNow.getDeadlocks()), dbNow.getFrozenXidAge());
            CacheHitRule.finding(instance, db, CacheHitRule.evaluate(hit, read, thresholds.get(Rule.CACHE_HIT_RATIO), "database " + db))
                    .ifPresent(findings::add);
            XidWraparoundRule.finding(instance, db, XidWraparoundRule.evaluate(dbNow.getFrozenXidAge(), thresholds.get(Rule.XID_WRAPAROUND),
                    "database " + db)).ifPresent(findings::add);
        }

        Connections connections = connections(last.activity(), findings);
        List<StatementRow> statements = statements(first, last, db, findings);
        List<TableRow> tables = tables(first, last, bloat, advice, findings);
        List<IndexInfo> indexInfos = last.indexes() == null ? List.of() : last.indexes().stream().map(RuleInputs::index).toList();
        indexes(indexInfos, statsSince(dbNow, last), now, findings);
        HealthReport.Replication replication = ReplicationSection.build(instance, first, last, thresholds, findings);
        findings.sort(Comparator.comparing(Finding::severity).reversed().thenComparing(f -> f.kind().ordinal()));
        return new HealthReport(instance, last.server().version(), db, period, summary, connections, statements, tables,
                IndexSection.rows(indexInfos, findings), warnings, findings, replication);
    }

    private Period period(Snapshot first, Snapshot last, Instant statsReset) {
        Instant to = last.ref().getCollectedAt();
        Instant started = last.server().postmasterStartTime();
        if (first != null) {
            Instant from = first.ref().getCollectedAt();
            Duration length = Duration.between(from, to);
            return new Period(true, from, to, length, statsReset, last.statementsResetAt(), started, "the " + Human.duration(length) + " interval");
        }
        Instant from = statsReset != null ? statsReset : started;
        String description = statsReset != null
                ? "since the statistics reset " + Human.duration(Duration.between(statsReset, to)) + " ago (" + statsReset + ")"
                : "since the server started " + Human.duration(Duration.between(started, to)) + " ago (statistics never reset)";
        return new Period(false, from, to, from == null ? null : Duration.between(from, to), statsReset, last.statementsResetAt(), started, description);
    }

    private Connections connections(ActivitySnapshot a, List<Finding> findings) {
        if (a == null) {
            return null;
        }
        int usable = ConnectionsRule.usableSlots(a.getMaxConnections(), a.getSuperuserReservedConnections(), a.getReservedConnections());
        Decision d = ConnectionsRule.evaluate(a.getTotalConnections(), a.getMaxConnections(), a.getSuperuserReservedConnections(),
                a.getReservedConnections(), thresholds.get(Rule.CONNECTIONS_USED), "instance");
        ConnectionsRule.finding(instance, d).ifPresent(findings::add);
        List<Session> sessions = a.getSessions().stream().map(RuleInputs::session).toList();
        IdleInTransactionRule.finding(instance, sessions, IdleInTransactionRule.evaluate(a.getOldestIdleInTransactionSeconds(), sessions,
                thresholds.get(Rule.IDLE_IN_TRANSACTION), "instance")).ifPresent(findings::add);
        LongRunningQueryRule.finding(instance, sessions, LongRunningQueryRule.evaluate(a.getOldestQueryAgeSeconds(), sessions,
                thresholds.get(Rule.LONG_RUNNING_QUERY), "instance")).ifPresent(findings::add);
        Threshold blocked = thresholds.get(Rule.BLOCKED_SESSIONS);
        BlockedSessionsRule.finding(instance, sessions, blocked, BlockedSessionsRule.evaluate(sessions, blocked, "instance"))
                .ifPresent(findings::add);
        return new Connections(a.getTotalConnections(), a.getMaxConnections(), usable, a.getByState(), a.getIdleInTransactionCount(),
                a.getWaitingOnLocksCount(), a.getOldestXactAgeSeconds(), a.getOldestQueryAgeSeconds());
    }

    private List<StatementRow> statements(Snapshot first, Snapshot last, String db, List<Finding> findings) {
        if (last.statements() == null) {
            return List.of();
        }
        Map<String, StatementStat> before = first == null || first.statements() == null ? Map.of()
                : first.statements().stream().collect(Collectors.toMap(ReportBuilder::key, Function.identity(), (a, b) -> a));
        List<StatementRow> rows = new ArrayList<>();
        for (StatementStat s : last.statements()) {
            if (!Objects.equals(s.getDatname(), db)) {
                continue;
            }
            StatementStat b = before.get(key(s));
            StatementMeanTimeRule.Sample previous = b == null ? new StatementMeanTimeRule.Sample(0, 0, 0, 0, 0) : sample(b);
            Optional<StatementMeanTimeRule.Interval> interval = StatementMeanTimeRule.interval(previous, sample(s))
                    .or(() -> StatementMeanTimeRule.interval(new StatementMeanTimeRule.Sample(0, 0, 0, 0, 0), sample(s))); // reset in between
            if (interval.isEmpty() || interval.get().calls() == 0) {
                continue;
            }
            StatementMeanTimeRule.Interval i = interval.get();
            rows.add(new StatementRow(s.getQueryId(), i.calls(), i.totalTimeMs(), i.meanTimeMs(), i.p95TimeMs(),
                    delta(b == null ? 0 : b.getRows(), s.getRows()), delta(b == null ? 0 : b.getSharedBlksRead(), s.getSharedBlksRead()), s.getQuery()));
            Decision d = StatementMeanTimeRule.evaluate(i, slowQuery, "statement " + s.getQueryId());
            StatementMeanTimeRule.finding(instance, s.getQueryId(), s.getQuery(), d).ifPresent(findings::add);
        }
        rows.sort(Comparator.comparingDouble(StatementRow::totalTimeMs).reversed());
        return rows;
    }

    private List<TableRow> tables(Snapshot first, Snapshot last, Map<Long, BloatInputs> bloat, IndexAdvice advice, List<Finding> findings) {
        if (last.tables() == null) {
            return List.of();
        }
        Map<Long, TableStat> before = first == null || first.tables() == null ? Map.of()
                : first.tables().stream().collect(Collectors.toMap(TableStat::getRelid, Function.identity(), (a, b) -> a));
        List<MissingIndexRule.StatementInfo> statements = last.statements() == null ? List.of() : last.statements().stream()
                .filter(s -> Objects.equals(s.getDatname(), last.server().database()))
                .map(s -> new MissingIndexRule.StatementInfo(s.getQueryId(), s.getQuery(), s.getCalls(), s.getTotalExecTimeMs())).toList();
        Instant now = last.ref().getCollectedAt();
        List<TableRow> rows = new ArrayList<>();
        for (TableStat t : last.tables()) {
            TableStat b = before.get(t.getRelid());
            boolean fresh = b == null || t.getSeqScan() < b.getSeqScan() || t.getNTupIns() < b.getNTupIns(); // counters reset in between
            long seqScans = fresh ? t.getSeqScan() : t.getSeqScan() - b.getSeqScan();
            long seqRows = fresh ? t.getSeqTupRead() : delta(b.getSeqTupRead(), t.getSeqTupRead());
            Long idxScans = t.getIdxScan() == null ? null : fresh || b.getIdxScan() == null ? t.getIdxScan() : delta(b.getIdxScan(), t.getIdxScan());
            Optional<Long> expected = Optional.ofNullable(bloat.get(t.getRelid())).flatMap(x -> x.expectedHeapBytes(t.getNLiveTup()));
            Double bloatShare = expected.map(e -> TableBloatRule.wastedShare(t.getHeapSizeBytes(), e)).orElse(null);
            rows.add(new TableRow(RuleInputs.object(t), t.getHeapSizeBytes() + t.getIndexesSizeBytes() + t.getToastSizeBytes(), t.getHeapSizeBytes(),
                    t.getNLiveTup(), t.getNDeadTup(), DeadRowsRule.share(t.getNLiveTup(), t.getNDeadTup()),
                    fresh ? t.getNTupIns() : delta(b.getNTupIns(), t.getNTupIns()), fresh ? t.getNTupUpd() : delta(b.getNTupUpd(), t.getNTupUpd()),
                    fresh ? t.getNTupDel() : delta(b.getNTupDel(), t.getNTupDel()), seqScans, idxScans, bloatShare));

            VacuumRule.evaluate(instance, RuleInputs.table(t), now, thresholds.get(Rule.DEAD_ROWS)).ifPresent(findings::add);
            expected.flatMap(e -> TableBloatRule.evaluate(instance, t.getSchemaName(), t.getTableName(), t.getNLiveTup(), t.getHeapSizeBytes(), e,
                    thresholds.get(Rule.TABLE_BLOAT))).ifPresent(findings::add);
            MissingIndexRule.evaluate(instance, new MissingIndexRule.TableScans(t.getSchemaName(), t.getTableName(), seqScans, seqRows,
                    idxScans == null ? 0 : idxScans, t.getNLiveTup()), statements, thresholds.get(Rule.MISSING_INDEX))
                    .map(f -> advice == null ? f : advice.refine(f, Sql.qualified(t.getSchemaName(), t.getTableName()))).ifPresent(findings::add);
        }
        rows.sort(Comparator.comparingLong(TableRow::totalBytes).reversed());
        return rows;
    }

    private void indexes(List<IndexInfo> infos, Instant statsSince, Instant now, List<Finding> findings) {
        for (IndexInfo i : infos) {
            UnusedIndexRule.evaluate(instance, i, statsSince, now, unusedIndex).ifPresent(findings::add);
            InvalidIndexRule.evaluate(instance, i).ifPresent(findings::add);
        }
        findings.addAll(DuplicateIndexRule.evaluate(instance, infos));
    }

    private static Instant statsSince(DatabaseStat db, Snapshot last) {
        return db != null && db.getStatsReset() != null ? db.getStatsReset() : last.server().postmasterStartTime();
    }

    private static DatabaseStat own(List<DatabaseStat> databases, String db) {
        return databases == null ? null : databases.stream().filter(d -> Objects.equals(d.getDatname(), db)).findFirst().orElse(null);
    }

    private static String key(StatementStat s) {
        return s.getQueryId() + "/" + s.getUserId() + "/" + s.getDbId();
    }

    private static StatementMeanTimeRule.Sample sample(StatementStat s) {
        return new StatementMeanTimeRule.Sample(s.getCalls(), s.getTotalExecTimeMs(), s.getMeanExecTimeMs(), s.getStddevExecTimeMs(), s.getMaxExecTimeMs());
    }

    /** A counter's movement; a counter that went backwards (reset) counts from zero. */
    private static long delta(long before, long now) {
        return CounterDelta.of(before, now).orElse(now);
    }
}

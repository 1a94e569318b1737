package dev.pgvigil.advisor.baseline;

import dev.pgvigil.common.text.Human;
import dev.pgvigil.rules.Decision;
import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.FindingKind;
import dev.pgvigil.rules.RegressionRule;
import dev.pgvigil.rules.Rule;
import dev.pgvigil.rules.Text;
import dev.pgvigil.rules.Threshold;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A baseline against now: per metric the two values, the change and a direction marker; per table the
 * size and rows then and now; per statement the mean time then and now. A statement whose mean time
 * grew by the regression rule's factor becomes a {@code slow_query} finding.
 */
public record BaselineComparison(String baselineName, java.time.Instant baselineAt, java.time.Instant now, List<MetricChange> metrics,
                                 List<TableChange> tables, List<StatementChange> statements) {
    /** Below this relative change a value counts as unchanged ({@code =}). */
    static final double SAME = 0.01;
    /** Metrics where up is good, and where down is good; the rest are neither (growth is just news). */
    static final Set<String> HIGHER_IS_BETTER = Set.of(Baseline.CACHE_HIT_RATIO);
    static final Set<String> LOWER_IS_BETTER = Set.of(Baseline.DEAD_ROWS);

    public enum Direction {
        UP("↑"), DOWN("↓"), SAME("="), NEW("+"), GONE("-");

        private final String marker;

        Direction(String marker) {
            this.marker = marker;
        }

        public String marker() {
            return marker;
        }
    }

    /** {@code assessment} is "better", "worse" or null when the metric has no good direction. */
    public record MetricChange(String metric, Double baseline, Double now, Double change, Double changeShare, Direction direction,
                               String assessment) {}

    public record TableChange(String table, Long baselineSizeBytes, Long nowSizeBytes, Long baselineRows, Long nowRows, Direction direction) {}

    public record StatementChange(long queryId, String query, Double baselineMeanMs, Double nowMeanMs, Double factor, Direction direction) {}

    public static BaselineComparison compare(Baseline before, Baseline now) {
        List<MetricChange> metrics = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>(before.metrics().keySet());
        names.addAll(now.metrics().keySet());
        for (String m : names) {
            Double b = before.metrics().get(m);
            Double n = now.metrics().get(m);
            Direction d = direction(b, n);
            String assessment = null;
            if (d == Direction.UP || d == Direction.DOWN) {
                if (HIGHER_IS_BETTER.contains(m)) {
                    assessment = d == Direction.UP ? "better" : "worse";
                } else if (LOWER_IS_BETTER.contains(m)) {
                    assessment = d == Direction.DOWN ? "better" : "worse";
                }
            }
            Double change = b != null && n != null ? n - b : null;
            Double share = b != null && n != null && b != 0 ? (n - b) / Math.abs(b) : null;
            metrics.add(new MetricChange(m, b, n, change, share, d, assessment));
        }
        Map<String, Baseline.Table> beforeTables = before.tables().stream().collect(Collectors.toMap(Baseline.Table::name, Function.identity(), (a, x) -> a));
        Map<String, Baseline.Table> nowTables = now.tables().stream().collect(Collectors.toMap(Baseline.Table::name, Function.identity(), (a, x) -> a));
        Set<String> tableNames = new LinkedHashSet<>(nowTables.keySet());
        tableNames.addAll(beforeTables.keySet());
        List<TableChange> tables = new ArrayList<>();
        for (String t : tableNames) {
            Baseline.Table b = beforeTables.get(t);
            Baseline.Table n = nowTables.get(t);
            tables.add(new TableChange(t, b == null ? null : b.sizeBytes(), n == null ? null : n.sizeBytes(), b == null ? null : b.rows(),
                    n == null ? null : n.rows(), direction(b == null ? null : (double) b.sizeBytes(), n == null ? null : (double) n.sizeBytes())));
        }
        Map<Long, Baseline.Statement> beforeStatements = before.topStatements().stream()
                .collect(Collectors.toMap(Baseline.Statement::queryId, Function.identity(), (a, x) -> a));
        List<StatementChange> statements = new ArrayList<>();
        for (Baseline.Statement n : now.topStatements()) {
            Baseline.Statement b = beforeStatements.get(n.queryId());
            Double bMean = b == null ? null : b.meanTimeMs();
            statements.add(new StatementChange(n.queryId(), n.query(), bMean, n.meanTimeMs(),
                    bMean == null || bMean <= 0 ? null : n.meanTimeMs() / bMean, direction(bMean, n.meanTimeMs())));
        }
        return new BaselineComparison(before.name(), before.createdAt(), now.createdAt(), metrics, tables, statements);
    }

    /** {@code slow_query} findings for statements whose mean time grew by the regression rule's factor. */
    public List<Finding> findings(String instance) {
        Threshold defaults = Rule.REGRESSION.defaults();
        // one baseline is the evidence here: the rule's days-of-baseline guard does not apply
        Threshold t = new Threshold(defaults.enabled(), defaults.warning(), defaults.critical(), 1, 0);
        List<Finding> findings = new ArrayList<>();
        for (StatementChange s : statements) {
            if (s.baselineMeanMs() == null) {
                continue;
            }
            Decision d = RegressionRule.evaluate("mean time", s.nowMeanMs(), s.baselineMeanMs(), 0, false, t, "statement " + s.queryId());
            if (d.firing()) {
                findings.add(new Finding(FindingKind.SLOW_QUERY, d.severity(), instance, "queryid " + s.queryId(),
                        "mean time " + Human.millis(s.nowMeanMs()) + " against " + Human.millis(s.baselineMeanMs()) + " in baseline '"
                                + baselineName + "' (" + Human.number(d.value(), 1) + "x): " + Text.abbreviate(s.query() == null ? "" : s.query(), 120),
                        "Compare the plans: pgvigil explain --query-id " + s.queryId() + " --analyze; look for changed data volume,"
                                + " stale statistics (ANALYZE) or a dropped index"));
            }
        }
        return findings;
    }

    static Direction direction(Double before, Double now) {
        if (before == null) {
            return now == null ? Direction.SAME : Direction.NEW;
        }
        if (now == null) {
            return Direction.GONE;
        }
        double scale = Math.max(Math.abs(before), Math.abs(now));
        if (scale == 0 || Math.abs(now - before) / scale < SAME) {
            return Direction.SAME;
        }
        return now > before ? Direction.UP : Direction.DOWN;
    }
}

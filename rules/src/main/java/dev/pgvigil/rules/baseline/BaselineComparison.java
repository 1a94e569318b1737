package dev.pgvigil.rules.baseline;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A baseline against now: per metric both values, the change and its direction (and whether that is
 * better or worse where a metric has a good direction); per table size and rows then and now, biggest
 * size change first; per statement calls and mean time then and now, biggest mean-time change first.
 * Items on one side only have the other side null. The one comparison the dashboard, the analyzer's
 * API and {@code pgvigil baseline compare} show.
 */
public record BaselineComparison(String baselineName, Instant baselineAt, Instant now, List<MetricChange> metrics,
                                 List<TableChange> tables, List<StatementChange> statements) {
    /** Below this relative change a value counts as unchanged ({@code =}). */
    static final double SAME = 0.01;
    /** Metrics where up is good, and where down is good; the rest are neither (growth is just news). */
    static final Set<String> HIGHER_IS_BETTER = Set.of(Baseline.CACHE_HIT_RATIO);
    static final Set<String> LOWER_IS_BETTER = Set.of(Baseline.DEAD_ROWS);

    public BaselineComparison {
        metrics = List.copyOf(metrics);
        tables = List.copyOf(tables);
        statements = List.copyOf(statements);
    }

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

    /** {@code changeShare} is the change over |baseline| (0.25 is 25 % more); {@code assessment} "better", "worse" or null. */
    public record MetricChange(String metric, Double baseline, Double now, Double change, Double changeShare, Direction direction,
                               String assessment) {
        static MetricChange of(String metric, Double baseline, Double now) {
            Direction d = BaselineComparison.direction(baseline, now);
            String assessment = null;
            if (d == Direction.UP || d == Direction.DOWN) {
                if (HIGHER_IS_BETTER.contains(metric)) {
                    assessment = d == Direction.UP ? "better" : "worse";
                } else if (LOWER_IS_BETTER.contains(metric)) {
                    assessment = d == Direction.DOWN ? "better" : "worse";
                }
            }
            Double change = baseline != null && now != null ? now - baseline : null;
            return new MetricChange(metric, baseline, now, change, BaselineComparison.changeShare(baseline, now), d, assessment);
        }
    }

    public record TableChange(String table, MetricChange sizeBytes, MetricChange rows) {
        public Direction direction() {
            return sizeBytes.direction();
        }
    }

    /** {@code factor} is now's mean time over the baseline's, null when either is missing or the baseline's is 0. */
    public record StatementChange(long queryId, String query, MetricChange calls, MetricChange meanTimeMs) {
        public Double factor() {
            Double b = meanTimeMs.baseline(), n = meanTimeMs.now();
            return b == null || n == null || b <= 0 ? null : n / b;
        }

        public Direction direction() {
            return meanTimeMs.direction();
        }
    }

    public static BaselineComparison compare(Baseline before, Baseline now) {
        List<MetricChange> metrics = new ArrayList<>();
        for (String m : union(before.metrics().keySet(), now.metrics().keySet())) {
            metrics.add(MetricChange.of(m, before.metrics().get(m), now.metrics().get(m)));
        }
        Map<String, Baseline.Table> beforeTables = index(before.tables(), Baseline.Table::name);
        Map<String, Baseline.Table> nowTables = index(now.tables(), Baseline.Table::name);
        List<TableChange> tables = new ArrayList<>();
        for (String t : union(nowTables.keySet(), beforeTables.keySet())) {
            Baseline.Table b = beforeTables.get(t), n = nowTables.get(t);
            tables.add(new TableChange(t,
                    MetricChange.of("size_bytes", b == null ? null : (double) b.sizeBytes(), n == null ? null : (double) n.sizeBytes()),
                    MetricChange.of("rows", b == null ? null : (double) b.rows(), n == null ? null : (double) n.rows())));
        }
        tables.sort(Comparator.comparingDouble((TableChange t) -> magnitude(t.sizeBytes())).reversed());
        Map<Long, Baseline.Statement> beforeStatements = index(before.topStatements(), Baseline.Statement::queryId);
        Map<Long, Baseline.Statement> nowStatements = index(now.topStatements(), Baseline.Statement::queryId);
        List<StatementChange> statements = new ArrayList<>();
        for (Long id : union(nowStatements.keySet(), beforeStatements.keySet())) {
            Baseline.Statement b = beforeStatements.get(id), n = nowStatements.get(id);
            String query = n != null && n.query() != null ? n.query() : b != null ? b.query() : null;
            statements.add(new StatementChange(id, query,
                    MetricChange.of("calls", b == null ? null : (double) b.calls(), n == null ? null : (double) n.calls()),
                    MetricChange.of("mean_time_ms", b == null ? null : b.meanTimeMs(), n == null ? null : n.meanTimeMs())));
        }
        statements.sort(Comparator.comparingDouble((StatementChange s) -> magnitude(s.meanTimeMs())).reversed());
        return new BaselineComparison(before.name(), before.createdAt(), now.createdAt(), metrics, tables, statements);
    }

    /** The change over |before| (0.25 is 25 % more); null when either is missing or before is 0. */
    public static Double changeShare(Double before, Double now) {
        return before == null || now == null || before == 0 ? null : (now - before) / Math.abs(before);
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

    /** How much a change matters for sorting: the absolute difference, or the whole value where one side is missing. */
    private static double magnitude(MetricChange c) {
        if (c.change() != null) {
            return Math.abs(c.change());
        }
        return Math.abs(c.now() != null ? c.now() : c.baseline() == null ? 0 : c.baseline());
    }

    private static <K, V> Map<K, V> index(List<V> items, Function<V, K> key) {
        Map<K, V> m = new LinkedHashMap<>();
        items.forEach(v -> m.putIfAbsent(key.apply(v), v));
        return m;
    }

    private static <T> Set<T> union(Set<T> a, Set<T> b) {
        Set<T> out = new LinkedHashSet<>(a);
        out.addAll(b);
        return out;
    }
}

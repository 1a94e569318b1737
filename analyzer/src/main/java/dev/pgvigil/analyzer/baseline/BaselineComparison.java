package dev.pgvigil.analyzer.baseline;

import dev.pgvigil.schema.Baseline;
import dev.pgvigil.schema.BaselineStatement;
import dev.pgvigil.schema.BaselineTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Now against a named baseline: every metric, table and statement of either side with both values and
 * the change, biggest changes first. Plain data in, plain data out, for the HTTP API and the CLI.
 */
public final class BaselineComparison {
    private BaselineComparison() {}

    /** A value then and now; null on the side where it did not exist. */
    public record Change(String name, Double then, Double now) {
        /** now / then, or null when either side is missing or then is 0. */
        public Double ratio() {
            return then == null || now == null || then == 0 ? null : now / then;
        }

        public Double difference() {
            return then == null || now == null ? null : now - then;
        }
    }

    public record TableChange(String table, Change sizeBytes, Change rows) {}

    public record StatementChange(long queryId, String query, Change calls, Change meanTimeMs) {}

    public record Result(String baseline, java.time.Instant baselineCreatedAt, java.time.Instant now,
                         List<Change> metrics, List<TableChange> tables, List<StatementChange> statements) {}

    public static Result compare(Baseline then, Baseline now) {
        List<Change> metrics = new ArrayList<>();
        for (String name : new TreeSet<String>(union(then.getMetrics().keySet(), now.getMetrics().keySet()))) {
            metrics.add(new Change(name, then.getMetrics().get(name), now.getMetrics().get(name)));
        }
        Map<String, BaselineTable> thenTables = byName(then.getTables());
        Map<String, BaselineTable> nowTables = byName(now.getTables());
        List<TableChange> tables = new ArrayList<>();
        for (String name : union(thenTables.keySet(), nowTables.keySet())) {
            BaselineTable a = thenTables.get(name), b = nowTables.get(name);
            tables.add(new TableChange(name,
                    new Change("size_bytes", a == null ? null : (double) a.getSizeBytes(), b == null ? null : (double) b.getSizeBytes()),
                    new Change("rows", a == null ? null : (double) a.getRows(), b == null ? null : (double) b.getRows())));
        }
        tables.sort(Comparator.comparingDouble((TableChange t) -> Math.abs(magnitude(t.sizeBytes()))).reversed());
        Map<Long, BaselineStatement> thenStmts = new LinkedHashMap<>();
        then.getTopStatements().forEach(s -> thenStmts.put(s.getQueryId(), s));
        Map<Long, BaselineStatement> nowStmts = new LinkedHashMap<>();
        now.getTopStatements().forEach(s -> nowStmts.put(s.getQueryId(), s));
        List<StatementChange> statements = new ArrayList<>();
        for (Long id : union(thenStmts.keySet(), nowStmts.keySet())) {
            BaselineStatement a = thenStmts.get(id), b = nowStmts.get(id);
            String query = b != null && b.getQuery() != null ? b.getQuery() : a != null ? a.getQuery() : null;
            statements.add(new StatementChange(id, query,
                    new Change("calls", a == null ? null : (double) a.getCalls(), b == null ? null : (double) b.getCalls()),
                    new Change("mean_time_ms", a == null ? null : a.getMeanTimeMs(), b == null ? null : b.getMeanTimeMs())));
        }
        statements.sort(Comparator.comparingDouble((StatementChange s) -> Math.abs(magnitude(s.meanTimeMs()))).reversed());
        return new Result(then.getName(), then.getCreatedAt(), now.getCreatedAt(), metrics, tables, statements);
    }

    /** How much a change matters for sorting: the difference, or the whole value where one side is missing. */
    private static double magnitude(Change c) {
        if (c.difference() != null) {
            return c.difference();
        }
        return c.now() != null ? c.now() : c.then() == null ? 0 : c.then();
    }

    private static Map<String, BaselineTable> byName(List<BaselineTable> tables) {
        Map<String, BaselineTable> m = new LinkedHashMap<>();
        tables.forEach(t -> m.put(t.getName(), t));
        return m;
    }

    private static <T> List<T> union(java.util.Collection<T> a, java.util.Collection<T> b) {
        List<T> out = new ArrayList<>(a);
        b.stream().filter(x -> !a.contains(x)).forEach(out::add);
        return out;
    }
}

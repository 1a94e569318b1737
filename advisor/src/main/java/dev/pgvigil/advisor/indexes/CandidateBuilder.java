package dev.pgvigil.advisor.indexes;

import dev.pgvigil.advisor.sql.Catalog;
import dev.pgvigil.advisor.sql.IndexInfo;
import dev.pgvigil.advisor.sql.StatementShape.TableAccess;
import dev.pgvigil.advisor.sql.StatementShape;
import dev.pgvigil.advisor.sql.TableInfo;
import dev.pgvigil.catalogue.ask.ColumnStats;
import dev.pgvigil.common.text.Human;
import dev.pgvigil.schema.StatementStat;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the filter, join and sort columns of statements into index candidates, the way a DBA would:
 * equality and join columns first, most selective first, adding a further equality column only while the
 * lookup still returns many rows; then one range column, or else the ORDER BY columns; no index on a small
 * table, none whose lookups return too large a share of the table, none an existing index already serves.
 */
public final class CandidateBuilder {
    /** Beyond this many rows per lookup, one more equality column is worth its space in the index. */
    private static final double ROWS_WORTH_NARROWING = 100;
    /** An existing index whose leading column narrows a lookup to this many rows leaves little to gain. */
    private static final double ROWS_ALREADY_NARROW = 10;
    private static final int MAX_EQUALITY_COLUMNS = 3;
    private static final int MAX_ORDER_COLUMNS = 2;

    /** Tuning of the advice: the smallest table worth an index, and the largest share of rows an index lookup may return. */
    public record Settings(double minTableRows, double maxSelectivity) {
        public static Settings defaults() {
            return new Settings(10_000, 0.1);
        }
    }

    /** A candidate not proposed, and why: {@code public.customers (status): a lookup returns 82 % of the rows}. */
    public record Skipped(String table, List<String> columns, String reason) {}

    private final Catalog catalog;
    private final Settings settings;
    private final List<IndexCandidate> candidates = new ArrayList<>();
    private final Map<String, Skipped> skipped = new LinkedHashMap<>();

    public CandidateBuilder(Catalog catalog, Settings settings) {
        this.catalog = catalog;
        this.settings = settings;
    }

    public void add(StatementStat statement, StatementShape shape) throws SQLException {
        for (TableAccess access : shape.accesses()) {
            Optional<IndexCandidate> c = candidate(access);
            if (c.isEmpty()) {
                continue;
            }
            IndexCandidate existing = candidates.stream().filter(x -> x.sameKey(c.get())).findFirst().orElse(null);
            if (existing == null) {
                candidates.add(c.get());
                existing = c.get();
            }
            existing.addStatement(statement);
        }
    }

    /** The candidates, merged (one that is a prefix of another is served by it) and most time-consuming first. */
    public List<IndexCandidate> candidates() throws SQLException {
        List<IndexCandidate> merged = new ArrayList<>();
        for (IndexCandidate c : candidates) {
            Optional<IndexCandidate> longer = candidates.stream()
                    .filter(o -> o != c && o.table().oid() == c.table().oid() && o.columns().size() > c.columns().size()
                            && o.columns().subList(0, c.columns().size()).equals(c.columns()))
                    .findFirst();
            if (longer.isPresent()) {
                longer.get().addStatements(c);
            } else {
                merged.add(c);
            }
        }
        List<IndexCandidate> result = new ArrayList<>();
        for (IndexCandidate c : merged) {
            Optional<String> coveredBy = coveringIndex(c);
            if (coveredBy.isPresent()) {
                skip(c.table(), c.columns(), "already served by index " + coveredBy.get());
            } else {
                result.add(c);
            }
        }
        result.sort(Comparator.comparingDouble(IndexCandidate::totalTimeMs).reversed());
        return result;
    }

    public List<Skipped> skipped() {
        return List.copyOf(skipped.values());
    }

    private Optional<IndexCandidate> candidate(TableAccess access) throws SQLException {
        TableInfo table = access.table();
        Set<String> wanted = new LinkedHashSet<>(access.equality());
        wanted.addAll(access.join());
        boolean hasOrder = !access.order().isEmpty();
        if (wanted.isEmpty() && access.range().isEmpty() && !(hasOrder && access.limited())) {
            return Optional.empty();
        }
        double rows = table.estimatedRows();
        if (rows < settings.minTableRows()) {
            List<String> cols = new ArrayList<>(wanted);
            cols.addAll(access.range());
            skip(table, cols, rows < 0 ? "table never analyzed: run ANALYZE " + table.qualifiedName()
                    : "small table (" + Human.count((long) rows) + " rows): a sequential scan is cheap");
            return Optional.empty();
        }
        Map<String, ColumnStats> stats = catalog.columnStats(table);
        Map<String, Double> selectivity = new LinkedHashMap<>();
        for (String column : wanted) {
            ColumnStats s = stats.get(column);
            // without statistics (never analyzed, or no SELECT on the column) the column is kept, not judged
            selectivity.put(column, s == null ? Double.NaN : Selectivity.equality(s, rows));
        }
        List<String> byselectivity = new ArrayList<>(wanted);
        byselectivity.sort(Comparator.comparingDouble(c -> Double.isNaN(selectivity.get(c)) ? 0.01 : selectivity.get(c)));

        List<String> columns = new ArrayList<>();
        double combined = 1;
        for (String column : byselectivity) {
            double sel = Double.isNaN(selectivity.get(column)) ? 0.01 : selectivity.get(column);
            if (columns.isEmpty() || (combined * rows > ROWS_WORTH_NARROWING && sel <= 0.5 && columns.size() < MAX_EQUALITY_COLUMNS)) {
                columns.add(column);
                combined *= sel;
            }
        }
        int equalityCount = columns.size();
        double effective = combined;
        String range = access.range().stream().filter(r -> !columns.contains(r))
                .sorted(Comparator.comparing(r -> access.boundedRanges().contains(r) ? 0 : 1)).findFirst().orElse(null);
        boolean topN = false;
        if (range != null) {
            columns.add(range);
            effective *= Selectivity.range(access.boundedRanges().contains(range));
        } else if (hasOrder && access.order().stream().noneMatch(columns::contains) && access.order().size() <= MAX_ORDER_COLUMNS) {
            columns.addAll(access.order());
            topN = access.limited();
        }
        if (columns.isEmpty()) {
            return Optional.empty();
        }
        if (effective > settings.maxSelectivity() && !topN) {
            String lead = byselectivity.isEmpty() ? range : byselectivity.get(0);
            String reason = equalityCount > 0
                    ? "low selectivity: a lookup on " + String.join(", ", columns.subList(0, equalityCount)) + " returns about "
                    + Human.percent(effective) + " of the rows; a sequential scan is as good"
                    : "a one-sided range on " + lead + " is expected to return about a third of the rows";
            skip(table, columns, reason);
            return Optional.empty();
        }
        return Optional.of(new IndexCandidate(table, columns, equalityCount, effective));
    }

    /** An existing valid btree that already serves the candidate: same leading columns, or a leading column that alone narrows to a few rows. */
    private Optional<String> coveringIndex(IndexCandidate c) throws SQLException {
        Map<String, ColumnStats> stats = catalog.columnStats(c.table());
        Set<String> equality = new HashSet<>(c.columns().subList(0, c.equalityColumns()));
        List<String> rest = c.columns().subList(c.equalityColumns(), c.columns().size());
        for (IndexInfo index : catalog.indexes(c.table().oid())) {
            if (!index.servesPlainLookups() || index.columns().size() < c.columns().size()) {
                if (index.servesPlainLookups() && narrowEnough(index, c, stats)) {
                    return Optional.of(index.name());
                }
                continue;
            }
            Set<String> lead = new HashSet<>(index.columns().subList(0, c.equalityColumns()));
            List<String> next = index.columns().subList(c.equalityColumns(), c.columns().size());
            if (lead.equals(equality) && next.equals(rest)) {
                return Optional.of(index.name());
            }
            if (narrowEnough(index, c, stats)) {
                return Optional.of(index.name());
            }
        }
        return Optional.empty();
    }

    private boolean narrowEnough(IndexInfo index, IndexCandidate c, Map<String, ColumnStats> stats) {
        if (c.equalityColumns() == 0 || index.columns().isEmpty() || index.columns().get(0) == null) {
            return false;
        }
        String first = index.columns().get(0);
        if (!c.columns().subList(0, c.equalityColumns()).contains(first) || stats.get(first) == null) {
            return false;
        }
        return Selectivity.equality(stats.get(first), c.table().estimatedRows()) * c.table().estimatedRows() <= ROWS_ALREADY_NARROW;
    }

    private void skip(TableInfo table, List<String> columns, String reason) {
        String key = table.oid() + ":" + columns;
        skipped.putIfAbsent(key, new Skipped(table.qualifiedName(), List.copyOf(columns), reason));
    }
}

package dev.pgvigil.rules;

import dev.pgvigil.common.text.Human;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tables read by heavy sequential scans of many rows are candidates for an index. When the statements
 * that read the table are known, the finding names them and proposes the columns they filter on
 * against a parameter ({@code col = $1}); the proposal is a starting point to check with EXPLAIN.
 */
public final class MissingIndexRule {
    private MissingIndexRule() {}

    /** Sequential vs index scans of one table over some period (since the stats reset, or an interval). */
    public record TableScans(String schema, String table, long seqScans, long seqRowsRead, long idxScans, long liveRows) {
        public String object() {
            return schema + "." + table;
        }
    }

    /** A statement from pg_stat_statements that may read the table. */
    public record StatementInfo(long queryId, String query, long calls, double totalTimeMs) {}

    private static final Pattern PARAM_FILTER = Pattern.compile(
            "(?:\\b[a-z_][a-z0-9_]*\\.)?\"?([a-z_][a-z0-9_]*)\"?\\s*(?:=|<=|>=|<|>|\\bin\\b|\\blike\\b|\\bilike\\b|\\bbetween\\b)\\s*\\(?\\s*\\$\\d+",
            Pattern.CASE_INSENSITIVE);
    private static final Set<String> NOT_COLUMNS = Set.of("and", "or", "not", "where", "on", "limit", "offset", "select", "set");

    public static Optional<Finding> evaluate(String instance, TableScans scans, List<StatementInfo> statements, Threshold t) {
        if (!t.enabled() || scans.seqScans() == 0 || scans.seqScans() < t.minEvidence()) {
            return Optional.empty();
        }
        double rowsPerScan = (double) scans.seqRowsRead() / scans.seqScans();
        Decision d = Decision.judge(Rule.MISSING_INDEX, t, rowsPerScan, scans.object());
        if (!d.firing()) {
            return Optional.empty();
        }
        List<StatementInfo> readers = readersOf(scans.schema(), scans.table(), statements);
        List<String> columns = readers.isEmpty() ? List.of() : filterColumns(readers.get(0).query());
        StringBuilder detail = new StringBuilder("Table " + scans.object() + " (" + Human.count(scans.liveRows()) + " rows) had "
                + Human.count(scans.seqScans()) + " sequential scans reading " + Human.count(Math.round(rowsPerScan)) + " rows each, against "
                + Human.count(scans.idxScans()) + " index scans.");
        for (StatementInfo s : readers) {
            detail.append(" Statement ").append(s.queryId()).append(" (").append(Human.count(s.calls())).append(" calls, ")
                    .append(Human.millis(s.calls() == 0 ? 0 : s.totalTimeMs() / s.calls())).append(" mean): ")
                    .append(Text.abbreviate(s.query(), 200)).append('.');
        }
        String target = columns.isEmpty() ? "<columns the statements filter on>"
                : String.join(", ", columns.stream().map(Sql::quoteIdent).toList());
        String create = "CREATE INDEX CONCURRENTLY ON " + Sql.qualified(scans.schema(), scans.table()) + " (" + target + ");";
        String rec = create + " Check the plan first: EXPLAIN (ANALYZE, BUFFERS) <the statement above>.";
        return Optional.of(new Finding(FindingKind.MISSING_INDEX, d.severity(), instance, scans.object(), detail.toString(), rec, List.of(create)));
    }

    /** Statements whose text reads the table (FROM/JOIN/UPDATE/DELETE FROM it), costliest first, at most 3. */
    public static List<StatementInfo> readersOf(String schema, String table, List<StatementInfo> statements) {
        Pattern ref = Pattern.compile("\\b(?:from|join|update)\\s+(?:\"?" + Pattern.quote(schema) + "\"?\\s*\\.\\s*)?\"?"
                + Pattern.quote(table) + "\"?(?![a-z0-9_.\"])", Pattern.CASE_INSENSITIVE);
        return statements.stream().filter(s -> s.query() != null && ref.matcher(s.query()).find())
                .sorted(Comparator.comparingDouble(StatementInfo::totalTimeMs).reversed()).limit(3).toList();
    }

    /** Columns a statement compares with a parameter in its WHERE clause, in order of appearance. */
    public static List<String> filterColumns(String query) {
        if (query == null) {
            return List.of();
        }
        int where = query.toLowerCase(Locale.ROOT).indexOf("where");
        if (where < 0) {
            return List.of();
        }
        Set<String> cols = new LinkedHashSet<>();
        Matcher m = PARAM_FILTER.matcher(query.substring(where + 5));
        while (m.find()) {
            String c = m.group(1).toLowerCase(Locale.ROOT);
            if (!NOT_COLUMNS.contains(c)) {
                cols.add(c);
            }
        }
        return new ArrayList<>(cols);
    }
}

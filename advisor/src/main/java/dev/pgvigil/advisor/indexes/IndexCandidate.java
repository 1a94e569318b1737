package dev.pgvigil.advisor.indexes;

import dev.pgvigil.advisor.sql.TableInfo;
import dev.pgvigil.rules.Sql;
import dev.pgvigil.schema.StatementStat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A btree index worth proposing: equality columns first (most selective first), then one range column or
 * the sort columns, with the statements that asked for it and the estimated share of rows it returns.
 */
public final class IndexCandidate {
    private final TableInfo table;
    private final List<String> columns;
    private final int equalityColumns;
    private final double estimatedSelectivity;
    private final Map<Long, StatementStat> statements = new LinkedHashMap<>();

    IndexCandidate(TableInfo table, List<String> columns, int equalityColumns, double estimatedSelectivity) {
        this.table = table;
        this.columns = List.copyOf(columns);
        this.equalityColumns = equalityColumns;
        this.estimatedSelectivity = estimatedSelectivity;
    }

    public TableInfo table() {
        return table;
    }

    public List<String> columns() {
        return columns;
    }

    public int equalityColumns() {
        return equalityColumns;
    }

    public double estimatedSelectivity() {
        return estimatedSelectivity;
    }

    public List<StatementStat> statements() {
        return new ArrayList<>(statements.values());
    }

    void addStatement(StatementStat s) {
        statements.putIfAbsent(s.getQueryId(), s);
    }

    void addStatements(IndexCandidate other) {
        other.statements.values().forEach(this::addStatement);
    }

    /** Time the statements that want this index spent, in milliseconds. */
    public double totalTimeMs() {
        return statements.values().stream().mapToDouble(StatementStat::getTotalExecTimeMs).sum();
    }

    public long calls() {
        return statements.values().stream().mapToLong(StatementStat::getCalls).sum();
    }

    /** {@code public.orders (customer_id, created_at)}. */
    public String label() {
        return table.qualifiedName() + " " + columnList();
    }

    /** The statement a DBA runs: built without blocking writes. */
    public String createStatement() {
        return "CREATE INDEX CONCURRENTLY ON " + table.qualifiedName() + " " + columnList() + ";";
    }

    /** The same index for HypoPG (which takes a plain CREATE INDEX). */
    String hypotheticalStatement() {
        return "CREATE INDEX ON " + table.qualifiedName() + " " + columnList();
    }

    private String columnList() {
        return columns.stream().map(Sql::quoteIdent).collect(java.util.stream.Collectors.joining(", ", "(", ")"));
    }

    boolean sameKey(IndexCandidate other) {
        return table.oid() == other.table.oid() && columns.equals(other.columns);
    }
}

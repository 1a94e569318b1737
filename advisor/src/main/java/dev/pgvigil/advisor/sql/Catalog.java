package dev.pgvigil.advisor.sql;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The user tables, their indexes and the search_path of one database, read once; column statistics read
 * on demand per table. Name lookups follow PostgreSQL's rules: an unquoted name folds to lower case, an
 * unqualified table is looked up along the session's search_path.
 */
public final class Catalog {
    private static final String TABLES = """
            /* pgvigil */ SELECT c.oid, n.nspname, c.relname, c.reltuples, c.relpages,
                   array(SELECT a.attname::text FROM pg_attribute a
                         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS columns
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'm')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
            """;

    private static final String INDEXES = """
            /* pgvigil */ SELECT i.indexrelid, i.indrelid, ic.relname, am.amname, i.indisvalid, i.indisunique, i.indpred IS NOT NULL,
                   array(SELECT CASE WHEN k.attnum = 0 THEN NULL ELSE a.attname::text END
                         FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                         LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                         WHERE k.ord <= i.indnkeyatts ORDER BY k.ord) AS columns,
                   pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_am am ON am.oid = ic.relam
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
            """;

    // inherited = false first: for a partitioned parent only the inherited row exists, and is then used
    private static final String STATS = """
            /* pgvigil */ SELECT DISTINCT ON (attname) attname::text, null_frac, n_distinct,
                   most_common_vals::text::text[], most_common_freqs, histogram_bounds::text::text[]
            FROM pg_stats WHERE schemaname = ? AND tablename = ?
            ORDER BY attname, inherited
            """;

    private final Connection connection;
    private final Map<Long, TableInfo> tables;
    private final Map<Long, List<IndexInfo>> indexesByTable;
    private final List<String> searchPath;
    private final Map<Long, Map<String, ColumnStats>> stats = new HashMap<>();

    private Catalog(Connection connection, Map<Long, TableInfo> tables, Map<Long, List<IndexInfo>> indexesByTable, List<String> searchPath) {
        this.connection = connection;
        this.tables = tables;
        this.indexesByTable = indexesByTable;
        this.searchPath = searchPath;
    }

    /** A catalog from known parts, without a database (tests, and callers that read the catalog elsewhere). */
    public static Catalog of(List<TableInfo> tables, List<IndexInfo> indexes, List<String> searchPath,
                             Map<Long, Map<String, ColumnStats>> columnStats) {
        Map<Long, TableInfo> byOid = new LinkedHashMap<>();
        tables.forEach(t -> byOid.put(t.oid(), t));
        Map<Long, List<IndexInfo>> byTable = new HashMap<>();
        indexes.forEach(i -> byTable.computeIfAbsent(i.tableOid(), k -> new ArrayList<>()).add(i));
        Catalog catalog = new Catalog(null, byOid, byTable, List.copyOf(searchPath));
        tables.forEach(t -> catalog.stats.put(t.oid(), Map.copyOf(columnStats.getOrDefault(t.oid(), Map.of()))));
        return catalog;
    }

    public static Catalog load(Connection c) throws SQLException {
        Map<Long, TableInfo> tables = new LinkedHashMap<>();
        Map<Long, List<IndexInfo>> indexes = new HashMap<>();
        List<String> searchPath;
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(TABLES)) {
                while (rs.next()) {
                    TableInfo t = new TableInfo(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getDouble(4), rs.getLong(5),
                            strings(rs.getArray(6)));
                    tables.put(t.oid(), t);
                }
            }
            try (ResultSet rs = s.executeQuery(INDEXES)) {
                while (rs.next()) {
                    IndexInfo i = new IndexInfo(rs.getLong(1), rs.getLong(2), rs.getString(3), strings(rs.getArray(8)), rs.getString(4),
                            rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7), rs.getString(9));
                    indexes.computeIfAbsent(i.tableOid(), k -> new ArrayList<>()).add(i);
                }
            }
            try (ResultSet rs = s.executeQuery("/* pgvigil */ SELECT array(SELECT unnest(current_schemas(false))::text)")) {
                rs.next();
                searchPath = strings(rs.getArray(1));
            }
        }
        return new Catalog(c, tables, indexes, searchPath);
    }

    public Optional<TableInfo> table(long oid) {
        return Optional.ofNullable(tables.get(oid));
    }

    public List<TableInfo> tables() {
        return List.copyOf(tables.values());
    }

    /**
     * The table a name in a statement refers to. {@code schema} may be null (then the search_path decides);
     * both parts are given as written in SQL, quotes included, and folded like PostgreSQL folds them.
     */
    public Optional<TableInfo> resolve(String schema, String name) {
        String n = fold(name);
        if (schema != null) {
            String s = fold(schema);
            return tables.values().stream().filter(t -> t.schema().equals(s) && t.name().equals(n)).findFirst();
        }
        for (String s : searchPath) {
            Optional<TableInfo> t = tables.values().stream().filter(x -> x.schema().equals(s) && x.name().equals(n)).findFirst();
            if (t.isPresent()) {
                return t;
            }
        }
        return Optional.empty();
    }

    public List<IndexInfo> indexes(long tableOid) {
        return indexesByTable.getOrDefault(tableOid, List.of());
    }

    public List<String> searchPath() {
        return searchPath;
    }

    /**
     * pg_stats of a table's columns; empty when the table was never analyzed or the role may not read its
     * columns (pg_stats shows only what the role can SELECT).
     */
    public Map<String, ColumnStats> columnStats(TableInfo table) throws SQLException {
        Map<String, ColumnStats> cached = stats.get(table.oid());
        if (cached != null) {
            return cached;
        }
        Map<String, ColumnStats> result = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(STATS)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array freqs = rs.getArray(5);
                    List<Double> f = new ArrayList<>();
                    if (freqs != null) {
                        for (Object o : (Object[]) freqs.getArray()) {
                            f.add(((Number) o).doubleValue());
                        }
                    }
                    result.put(rs.getString(1), new ColumnStats(rs.getString(1), rs.getDouble(2), rs.getDouble(3),
                            strings(rs.getArray(4)), f, strings(rs.getArray(6))));
                }
            }
        }
        stats.put(table.oid(), result);
        return result;
    }

    /** An identifier as PostgreSQL stores it: quoted keeps its case (quotes doubled inside), unquoted folds to lower case. */
    public static String fold(String identifier) {
        if (identifier.length() >= 2 && identifier.startsWith("\"") && identifier.endsWith("\"")) {
            return identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"");
        }
        return identifier.toLowerCase(java.util.Locale.ROOT);
    }

    private static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        return new ArrayList<>(Arrays.asList((String[]) array.getArray()));
    }
}

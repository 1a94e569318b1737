package dev.pgvigil.advisor.sql;

import dev.pgvigil.catalogue.ask.ColumnStats;
import dev.pgvigil.catalogue.ask.PartitionedIndex;
import dev.pgvigil.catalogue.ask.SearchPath;
import dev.pgvigil.catalogue.ask.UserTable;
import dev.pgvigil.catalogue.read.IndexesReader;
import dev.pgvigil.schema.IndexStat;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
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

    /**
     * Tables, indexes and search_path of the connected database. Indexes come from the catalogue's
     * {@link IndexesReader} (the project's one query for index key columns) and, as that reads
     * pg_stat_user_indexes, partitioned tables' indexes from {@link PartitionedIndex}: a statement on a
     * partitioned table is served by them, so without them the advisor would suggest an index the table has.
     */
    public static Catalog load(Connection c) throws SQLException {
        Map<Long, TableInfo> tables = new LinkedHashMap<>();
        for (UserTable t : UserTable.all(c)) {
            tables.put(t.oid(), new TableInfo(t.oid(), t.schema(), t.name(), t.estimatedRows(), t.pages(), t.columns()));
        }
        Map<Long, IndexStat> read = new HashMap<>();
        IndexesReader.read(c, Map.of()).forEach(i -> read.put(i.getIndexRelid(), i));
        List<IndexInfo> indexes = new ArrayList<>(read.values().stream().map(IndexInfo::of).toList());
        for (PartitionedIndex p : PartitionedIndex.all(c)) {
            indexes.add(IndexInfo.of(p, p.leafIndexOid() == null ? null : read.get(p.leafIndexOid())));
        }
        Map<Long, List<IndexInfo>> byTable = new HashMap<>();
        indexes.stream().sorted(Comparator.comparing(IndexInfo::name))
                .forEach(i -> byTable.computeIfAbsent(i.tableOid(), k -> new ArrayList<>()).add(i));
        return new Catalog(c, tables, byTable, SearchPath.of(c).schemas());
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
        Map<String, ColumnStats> result = ColumnStats.of(connection, table.schema(), table.name());
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
}

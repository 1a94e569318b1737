package dev.pgvigil.catalogue.ask;

import dev.pgvigil.catalogue.read.Rows;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A user table, partitioned table or materialized view as the planner sees it: estimated rows and pages
 * (from the last ANALYZE) and its column names in order, as stored (not quoted).
 */
public record UserTable(long oid, String schema, String name, double estimatedRows, long pages, List<String> columns) {
    static final String SQL = """
            SELECT /* pgvigil */ c.oid, n.nspname, c.relname, c.reltuples, c.relpages,
                   array(SELECT a.attname::text FROM pg_attribute a
                         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS columns
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'm')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'""";

    public UserTable {
        columns = List.copyOf(columns);
    }

    public static List<UserTable> all(Connection c) throws SQLException {
        return Rows.list(c, SQL, rs -> new UserTable(rs.getLong("oid"), rs.getString("nspname"), rs.getString("relname"),
                rs.getDouble("reltuples"), rs.getLong("relpages"), Rows.texts(rs, "columns")));
    }
}

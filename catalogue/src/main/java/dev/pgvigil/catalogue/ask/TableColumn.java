package dev.pgvigil.catalogue.ask;

import dev.pgvigil.catalogue.read.Rows;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A column of one table as the catalogue has it: type, NOT NULL, default, and pg_stats' null_frac,
 * n_distinct and avg_width (null when the table was not analyzed or the role may not SELECT the column),
 * with the table's estimated rows to scale a negative n_distinct by.
 */
public record TableColumn(String name, String type, boolean notNull, String defaultValue, Double nullFraction, Double nDistinct,
                          Double averageWidthBytes, double tableEstimatedRows) {
    static final String SQL = """
            SELECT /* pgvigil */ a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid) AS default_value,
                   s.null_frac, s.n_distinct, s.avg_width, c.reltuples
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname
                                 AND s.inherited = (c.relkind = 'p')
            WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum""";

    /** The columns of table {@code oid} in order. */
    public static List<TableColumn> of(Connection c, long oid) throws SQLException {
        return Rows.list(c, SQL, ps -> ps.setLong(1, oid), rs -> new TableColumn(rs.getString("attname"), rs.getString("type"),
                rs.getBoolean("attnotnull"), rs.getString("default_value"), Rows.doubleOrNull(rs, "null_frac"),
                Rows.doubleOrNull(rs, "n_distinct"), Rows.doubleOrNull(rs, "avg_width"), rs.getDouble("reltuples")));
    }
}

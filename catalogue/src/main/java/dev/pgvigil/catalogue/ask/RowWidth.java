package dev.pgvigil.catalogue.ask;

import dev.pgvigil.catalogue.read.Rows;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.Map;

/**
 * What a table's rows should take on disk, per user table (the inputs of a bloat estimate): block size,
 * fillfactor, the average width of a row's data from pg_stats (each column's avg_width weighted by its
 * non-null share), how many columns the table has and how many of them pg_stats describes, and whether any
 * column holds NULLs (a row then carries a null bitmap). pg_stats describes only columns the role may SELECT.
 */
public record RowWidth(long tableOid, int blockSize, int fillfactor, double rowDataWidthBytes, int columns, int analyzedColumns,
                       boolean hasNulls) {
    static final String SQL = """
            SELECT /* pgvigil */ c.oid, current_setting('block_size')::int AS block_size,
                   coalesce((SELECT substring(o FROM 'fillfactor=(\\d+)')::int FROM unnest(c.reloptions) AS o
                             WHERE o LIKE 'fillfactor=%' LIMIT 1), 100) AS fillfactor,
                   coalesce(st.width, 0) AS width, coalesce(st.analyzed, 0) AS analyzed, coalesce(st.has_nulls, false) AS has_nulls,
                   (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN LATERAL (SELECT sum((1 - s.null_frac) * s.avg_width) AS width, count(*) AS analyzed, bool_or(s.null_frac > 0) AS has_nulls
                               FROM pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = c.relname AND NOT s.inherited) st ON true
            WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
              AND (?::oid IS NULL OR c.oid = ?::oid)""";

    /** Every user table's, by table oid, or only table {@code oid}'s when it is given. */
    public static Map<Long, RowWidth> of(Connection c, Long oid) throws SQLException {
        Map<Long, RowWidth> result = new HashMap<>();
        Rows.forEach(c, SQL, ps -> {
            if (oid == null) {
                ps.setNull(1, Types.BIGINT);
                ps.setNull(2, Types.BIGINT);
            } else {
                ps.setLong(1, oid);
                ps.setLong(2, oid);
            }
        }, rs -> result.put(rs.getLong("oid"), new RowWidth(rs.getLong("oid"), rs.getInt("block_size"), rs.getInt("fillfactor"),
                rs.getDouble("width"), rs.getInt("columns"), rs.getInt("analyzed"), rs.getBoolean("has_nulls"))));
        return result;
    }
}

package dev.pgvigil.advisor.table;

import dev.pgvigil.rules.TableBloatRule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the bloat estimate of {@link TableBloatRule} needs from the catalog, per table: block size,
 * fillfactor, and the average width of a row's data from pg_stats. The estimate is only made when
 * every column has statistics (an analyzed table the role may read).
 */
public record BloatInputs(long tableOid, int blockSize, int fillfactor, double rowDataWidthBytes, int columns, int analyzedColumns,
                          boolean hasNulls) {
    private static final String SQL = """
            /* pgvigil */ SELECT c.oid, current_setting('block_size')::int AS block_size,
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

    /** Every user table's inputs, or one table's when {@code oid} is given. */
    public static Map<Long, BloatInputs> read(Connection c, Long oid) throws SQLException {
        Map<Long, BloatInputs> result = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(SQL)) {
            if (oid == null) {
                ps.setNull(1, Types.BIGINT);
                ps.setNull(2, Types.BIGINT);
            } else {
                ps.setLong(1, oid);
                ps.setLong(2, oid);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    BloatInputs b = new BloatInputs(rs.getLong("oid"), rs.getInt("block_size"), rs.getInt("fillfactor"), rs.getDouble("width"),
                            rs.getInt("columns"), rs.getInt("analyzed"), rs.getBoolean("has_nulls"));
                    result.put(b.tableOid(), b);
                }
            }
        }
        return result;
    }

    /** Heap bytes {@code liveRows} need; empty when some column has no statistics. */
    public Optional<Long> expectedHeapBytes(long liveRows) {
        if (analyzedColumns < columns || columns == 0) {
            return Optional.empty();
        }
        return Optional.of(TableBloatRule.expectedHeapBytes(liveRows, rowDataWidthBytes, columns, hasNulls, blockSize, fillfactor));
    }
}

package dev.pgvigil.advisor.table;

import dev.pgvigil.catalogue.ask.RowWidth;
import dev.pgvigil.rules.TableBloatRule;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the bloat estimate of {@link TableBloatRule} needs from the catalogue ({@link RowWidth}), per table: block size,
 * fillfactor, and the average width of a row's data from pg_stats. The estimate is only made when
 * every column has statistics (an analyzed table the role may read).
 */
public record BloatInputs(long tableOid, int blockSize, int fillfactor, double rowDataWidthBytes, int columns, int analyzedColumns,
                          boolean hasNulls) {
    /** Every user table's inputs, or one table's when {@code oid} is given. */
    public static Map<Long, BloatInputs> read(Connection c, Long oid) throws SQLException {
        Map<Long, BloatInputs> result = new HashMap<>();
        RowWidth.of(c, oid).forEach((table, w) -> result.put(table, new BloatInputs(table, w.blockSize(), w.fillfactor(),
                w.rowDataWidthBytes(), w.columns(), w.analyzedColumns(), w.hasNulls())));
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

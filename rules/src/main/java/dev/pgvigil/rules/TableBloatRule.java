package dev.pgvigil.rules;

import dev.pgvigil.common.text.Human;
import java.util.List;
import java.util.Optional;

/**
 * A table whose heap is much larger than its live rows need: free space VACUUM keeps for reuse but does
 * not give back (VACUUM FULL or pg_repack do). The need is estimated the way the well-known bloat queries
 * do it, from the rows, the average column widths in pg_stats and the page layout.
 */
public final class TableBloatRule {
    private TableBloatRule() {}

    private static final int TUPLE_HEADER_BYTES = 23;
    private static final int ITEM_POINTER_BYTES = 4;
    private static final int PAGE_HEADER_BYTES = 24;
    private static final int MAXALIGN = 8;

    /**
     * Heap bytes {@code liveRows} rows need: each row a header (with a null bitmap when any column has NULLs)
     * and its data ({@code rowDataWidthBytes}: the sum of the columns' average non-null widths), aligned to 8
     * bytes, plus a line pointer; pages filled to {@code fillfactor} percent.
     */
    public static long expectedHeapBytes(double liveRows, double rowDataWidthBytes, int columns, boolean hasNulls, int blockSize, int fillfactor) {
        if (liveRows <= 0) {
            return 0;
        }
        int header = align(TUPLE_HEADER_BYTES + (hasNulls ? (columns + 7) / 8 : 0));
        long tuple = header + align((long) Math.ceil(rowDataWidthBytes));
        double usable = (blockSize - PAGE_HEADER_BYTES) * (fillfactor / 100.0);
        long perPage = Math.max(1, (long) Math.floor(usable / (tuple + ITEM_POINTER_BYTES)));
        long pages = (long) Math.ceil(liveRows / perPage);
        return pages * blockSize;
    }

    /** Heap bytes beyond what the live rows need. */
    public static long wastedBytes(long heapBytes, long expectedHeapBytes) {
        return Math.max(0, heapBytes - expectedHeapBytes);
    }

    /** The heap's share beyond what the live rows need: the value this rule judges; 0 for an empty heap. */
    public static double wastedShare(long heapBytes, long expectedHeapBytes) {
        return heapBytes <= 0 ? 0 : (double) wastedBytes(heapBytes, expectedHeapBytes) / heapBytes;
    }

    /** Fires when the heap's share beyond {@code expectedHeapBytes} crosses the levels, for heaps of at least minEvidence bytes. */
    public static Optional<Finding> evaluate(String instance, String schema, String table, long liveRows, long heapBytes,
                                             long expectedHeapBytes, Threshold t) {
        if (!t.enabled() || heapBytes <= 0 || heapBytes < t.minEvidence()) {
            return Optional.empty();
        }
        long wasted = wastedBytes(heapBytes, expectedHeapBytes);
        double ratio = wastedShare(heapBytes, expectedHeapBytes);
        Severity s = t.classify(Rule.TABLE_BLOAT.direction(), ratio);
        if (s == null) {
            return Optional.empty();
        }
        String qualified = Sql.qualified(schema, table);
        String detail = "Table " + schema + "." + table + " has a " + Human.bytes(heapBytes) + " heap; its " + Human.count(liveRows)
                + " live rows need about " + Human.bytes(expectedHeapBytes) + ", so " + Human.bytes(wasted) + " (" + Human.percent(ratio)
                + ") is free space that VACUUM keeps but does not return.";
        String vacuumFull = "VACUUM FULL " + qualified + ";";
        String rec = "Give the space back with pg_repack (online): pg_repack --table=" + qualified
                + ", or " + vacuumFull + " (locks the table while it rewrites it).";
        return Optional.of(new Finding(FindingKind.TABLE_BLOAT, s, instance, schema + "." + table, detail, rec, List.of(vacuumFull)));
    }

    private static int align(long bytes) {
        return (int) ((bytes + MAXALIGN - 1) / MAXALIGN * MAXALIGN);
    }
}

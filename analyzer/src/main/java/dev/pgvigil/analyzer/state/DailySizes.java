package dev.pgvigil.analyzer.state;

import dev.pgvigil.rules.DiskGrowth;
import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * The first size sample of a table or database on each recent day, as flat [epoch ms, bytes] pairs
 * oldest first: enough to tell its growth per day without keeping every sample.
 */
public final class DailySizes {
    private DailySizes() {}

    private static final long DAY_MS = 86_400_000L;

    /** {@code sizes} with this sample added if it is the first of its day, keeping at most {@code keepDays} days. */
    public static long[] record(long[] sizes, long atMs, long bytes, int keepDays) {
        if (sizes.length >= 2 && Math.floorDiv(sizes[sizes.length - 2], DAY_MS) >= Math.floorDiv(atMs, DAY_MS)) {
            return sizes;
        }
        long[] grown = Arrays.copyOf(sizes, sizes.length + 2);
        grown[grown.length - 2] = atMs;
        grown[grown.length - 1] = bytes;
        int excess = grown.length / 2 - keepDays;
        return excess > 0 ? Arrays.copyOfRange(grown, excess * 2, grown.length) : grown;
    }

    /** Growth per day from the oldest remembered sample to now; empty until a whole day lies between them. */
    public static OptionalDouble bytesPerDay(long[] sizes, long atMs, long bytesNow) {
        if (sizes.length < 2) {
            return OptionalDouble.empty();
        }
        double days = (atMs - sizes[0]) / (double) DAY_MS;
        return days >= 1 ? DiskGrowth.bytesPerDay(sizes[1], bytesNow, days) : OptionalDouble.empty();
    }
}

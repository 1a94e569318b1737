package dev.pgvigil.analyzer.state;

import dev.pgvigil.rules.DiskGrowth;
import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * The size of a table or database at the first sample of each recent day, as flat [day, bytes] pairs
 * oldest first: enough to tell its growth per day without keeping every sample.
 */
public final class DailySizes {
    private DailySizes() {}

    private static final long DAY_MS = 86_400_000L;

    /** {@code sizes} with today's first sample added if missing, keeping at most {@code keepDays} days. */
    public static long[] record(long[] sizes, long atMs, long bytes, int keepDays) {
        long day = Math.floorDiv(atMs, DAY_MS);
        if (sizes.length >= 2 && sizes[sizes.length - 2] >= day) {
            return sizes;
        }
        long[] grown = Arrays.copyOf(sizes, sizes.length + 2);
        grown[grown.length - 2] = day;
        grown[grown.length - 1] = bytes;
        int excess = grown.length / 2 - keepDays;
        return excess > 0 ? Arrays.copyOfRange(grown, excess * 2, grown.length) : grown;
    }

    /** Growth per day from the oldest remembered day to now; empty until a whole day lies between them. */
    public static OptionalDouble bytesPerDay(long[] sizes, long atMs, long bytesNow) {
        if (sizes.length < 2) {
            return OptionalDouble.empty();
        }
        double days = (atMs - sizes[0] * DAY_MS) / (double) DAY_MS;
        return days >= 1 ? DiskGrowth.bytesPerDay(sizes[1], bytesNow, days) : OptionalDouble.empty();
    }
}

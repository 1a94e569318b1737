package dev.pgvigil.rules;

import java.util.OptionalDouble;

/** Growth of a size over days, and when a disk of a given size fills at that pace. */
public final class DiskGrowth {
    private DiskGrowth() {}

    /** Bytes per day between two sizes {@code days} apart; empty when the span is too short to say. */
    public static OptionalDouble bytesPerDay(long firstBytes, long lastBytes, double days) {
        return days > 0 ? OptionalDouble.of((lastBytes - firstBytes) / days) : OptionalDouble.empty();
    }

    /** Days until {@code usedBytes} reaches {@code diskBytes} at {@code bytesPerDay}; empty when not growing. */
    public static OptionalDouble daysUntilFull(long usedBytes, double bytesPerDay, long diskBytes) {
        if (!(bytesPerDay > 0) || diskBytes <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Math.max(0, diskBytes - usedBytes) / bytesPerDay);
    }
}

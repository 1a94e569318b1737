package dev.pgvigil.rules;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Interval deltas of cumulative counters. Counters go backwards (stats reset, restart, an evicted
 * pg_stat_statements entry): such an interval has no delta, the current sample starts a new series, and
 * nothing negative or spiking is ever reported.
 */
public final class CounterDelta {
    private CounterDelta() {}

    public static OptionalLong of(long previous, long current) {
        return current >= previous ? OptionalLong.of(current - previous) : OptionalLong.empty();
    }

    /** For time counters (ms); a tiny negative from floating point rounding counts as no movement. */
    public static OptionalDouble of(double previous, double current) {
        double d = current - previous;
        if (d >= 0) {
            return OptionalDouble.of(d);
        }
        return d > -1e-6 * Math.max(1, Math.abs(previous)) ? OptionalDouble.of(0) : OptionalDouble.empty();
    }

    /** True when any counter of the sample went backwards, so the whole sample starts a new series. */
    public static boolean wentBackwards(long[] previous, long[] current) {
        int n = Math.min(previous.length, current.length);
        for (int i = 0; i < n; i++) {
            if (current[i] < previous[i]) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the series marker changed between two samples: a stats reset time or a postmaster start
     * time. A marker appearing where there was none counts as a change (a first reset); one vanishing does
     * not (a reader that could not tell).
     */
    public static boolean newSeries(Instant previousMarker, Instant currentMarker) {
        return currentMarker != null && !Objects.equals(previousMarker, currentMarker);
    }

    /** Per second over {@code seconds}; 0 for an empty interval rather than a division by zero. */
    public static double rate(double delta, double seconds) {
        return seconds > 0 ? delta / seconds : 0;
    }
}

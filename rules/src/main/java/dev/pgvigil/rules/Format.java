package dev.pgvigil.rules;

import java.time.Duration;
import java.util.Locale;

/** Numbers as people read them in messages and findings: percentages, times, sizes. */
public final class Format {
    private Format() {}

    public static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f %%", ratio * 100);
    }

    public static String millis(double ms) {
        if (ms >= 10_000) {
            return seconds(ms / 1000);
        }
        return String.format(Locale.ROOT, ms >= 100 ? "%.0f ms" : "%.1f ms", ms);
    }

    public static String seconds(double seconds) {
        if (seconds >= 3600 * 48) {
            return String.format(Locale.ROOT, "%.1f d", seconds / 86400);
        }
        if (seconds >= 5400) {
            return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
        }
        if (seconds >= 120) {
            return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        }
        return String.format(Locale.ROOT, "%.1f s", seconds);
    }

    public static String duration(Duration d) {
        return seconds(d.toMillis() / 1000.0);
    }

    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    public static String decimal(double v) {
        return String.format(Locale.ROOT, v == Math.rint(v) && Math.abs(v) < 1e15 ? "%.0f" : "%.2f", v);
    }

    /** Binary units: 1536 → "1.5 KiB". */
    public static String bytes(long bytes) {
        double v = bytes;
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int u = 0;
        while (Math.abs(v) >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}

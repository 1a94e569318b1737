package dev.pgvigil.common.text;

import java.time.Duration;
import java.util.Locale;

/**
 * The one way pgvigil writes numbers for people: in findings, alerts, notifications and terminal output.
 * Sizes use IEC binary units (powers of 1024 written {@code KiB}, {@code MiB}, ...): PostgreSQL's
 * {@code pg_size_pretty} also counts in powers of 1024 but writes them {@code kB}/{@code MB}, which readers
 * take for powers of 1000; the IEC names leave no doubt. Times use ms/s/min/h/d, always in Locale.ROOT.
 */
public final class Human {
    private Human() {}

    private static final String[] SIZE_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    /** A size in powers of 1024: {@code 512 B}, {@code 1.5 KiB}, {@code 12 MiB}, {@code 3.4 GiB}. One decimal below 10 units, none above. */
    public static String bytes(long sizeBytes) {
        if (sizeBytes < 0) {
            return "-" + bytes(-sizeBytes);
        }
        if (sizeBytes < 1024) {
            return sizeBytes + " B";
        }
        double value = sizeBytes;
        int unit = 0;
        while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return (value < 10 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.0f", value))
                + " " + SIZE_UNITS[unit];
    }

    /** A time given in milliseconds: {@code 0.42 ms}, {@code 12.3 ms}, {@code 1.25 s}, {@code 3 min 20 s}, ... */
    public static String millis(double ms) {
        if (Double.isNaN(ms)) {
            return "-";
        }
        if (ms < 0) {
            return "-" + millis(-ms);
        }
        if (ms < 1) {
            return String.format(Locale.ROOT, "%.2f ms", ms);
        }
        if (ms < 100) {
            return String.format(Locale.ROOT, "%.1f ms", ms);
        }
        if (ms < 1000) {
            return String.format(Locale.ROOT, "%.0f ms", ms);
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.2f s", ms / 1000);
        }
        return duration(Duration.ofMillis(Math.round(ms)));
    }

    /** A time given in seconds, as {@link #millis}: {@code 400} is {@code 6 min 40 s}. */
    public static String seconds(double seconds) {
        return millis(seconds * 1000);
    }

    /** A duration in its two largest units: {@code 45 s}, {@code 3 min 20 s}, {@code 2 h 05 min}, {@code 3 d 4 h}. */
    public static String duration(Duration d) {
        if (d.isNegative()) {
            return "-" + duration(d.negated());
        }
        long seconds = d.getSeconds();
        if (seconds < 60) {
            return d.toMillis() < 1000 ? millis(d.toNanos() / 1e6) : seconds + " s";
        }
        long minutes = seconds / 60;
        if (minutes < 60) {
            return minutes + " min " + (seconds % 60) + " s";
        }
        long hours = minutes / 60;
        if (hours < 24) {
            return hours + " h " + String.format(Locale.ROOT, "%02d", minutes % 60) + " min";
        }
        return (hours / 24) + " d " + (hours % 24) + " h";
    }

    /** A count with thousands separators: {@code 1,234,567}. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A fraction (0..1) as a percentage with one decimal: {@code 98.2 %}; NaN prints as {@code -}. */
    public static String percent(double fraction) {
        if (Double.isNaN(fraction) || Double.isInfinite(fraction)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f %%", fraction * 100);
    }

    /** A decimal number with up to {@code decimals} places, trailing zeros removed: {@code 1.5}, {@code 200}. */
    public static String number(double value, int decimals) {
        String s = String.format(Locale.ROOT, "%." + decimals + "f", value);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }
}

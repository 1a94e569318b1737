package dev.pgvigil.catalogue.read;

import java.util.Map;

/**
 * pg_settings values in one unit per dimension: memory in bytes, time in milliseconds. pg_settings gives
 * a number in a unit such as {@code 8kB} (shared_buffers counts 8 kB pages) or {@code min}.
 */
public final class SettingUnits {
    private static final Map<String, Double> BYTES = Map.of("B", 1.0, "kB", 1024.0, "MB", 1024.0 * 1024, "GB", 1024.0 * 1024 * 1024,
            "TB", 1024.0 * 1024 * 1024 * 1024);
    private static final Map<String, Double> MILLIS = Map.of("us", 0.001, "ms", 1.0, "s", 1000.0, "min", 60_000.0, "h", 3_600_000.0,
            "d", 86_400_000.0);

    /** A value in a normalised unit; {@code unit} is "bytes", "ms" or null for a plain number. */
    public record Normalized(Double value, String unit) {}

    private SettingUnits() {}

    /**
     * Text and enum settings have no number (value null). A negative number is a sentinel ("-1: disabled",
     * "-1: use another setting") and stays as it is, without a unit, rather than becoming -1024 bytes.
     */
    public static Normalized normalize(String vartype, String setting, String unit) {
        if (!"integer".equals(vartype) && !"real".equals(vartype)) {
            return new Normalized(null, null);
        }
        double value;
        try {
            value = Double.parseDouble(setting);
        } catch (NumberFormatException | NullPointerException e) {
            return new Normalized(null, null);
        }
        if (unit == null || unit.isEmpty() || value < 0) {
            return new Normalized(value, null);
        }
        int i = 0;
        while (i < unit.length() && Character.isDigit(unit.charAt(i))) {
            i++;
        }
        double multiple = i == 0 ? 1.0 : Double.parseDouble(unit.substring(0, i));
        String base = unit.substring(i);
        if (BYTES.containsKey(base)) {
            return new Normalized(value * multiple * BYTES.get(base), "bytes");
        }
        if (MILLIS.containsKey(base)) {
            return new Normalized(value * multiple * MILLIS.get(base), "ms");
        }
        return new Normalized(value, null);
    }
}

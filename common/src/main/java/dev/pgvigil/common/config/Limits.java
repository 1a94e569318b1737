package dev.pgvigil.common.config;

/** Checks for the numbers of a configuration record, with the key in the message (ConfigFile adds file and line). */
public final class Limits {
    private Limits() {}

    /** {@code value}, or {@code defaultValue} when the key was left out; a value outside [min, max] is an error. */
    public static int intOrDefault(String key, Integer value, int defaultValue, int min, int max) {
        if (value == null) {
            return defaultValue;
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }
}

package dev.pgvigil.rules;

/** Which way a rule's value gets worse. */
public enum Direction {
    /** Higher is worse: fires when the value is above the threshold (e.g. mean time, dead rows). */
    ABOVE,
    /** Lower is worse: fires when the value is below the threshold (e.g. cache hit ratio). */
    BELOW;

    /** True when {@code value} is strictly beyond {@code threshold}; a NaN threshold (level disabled) never is. */
    public boolean beyond(double value, double threshold) {
        return this == ABOVE ? value > threshold : value < threshold;
    }
}

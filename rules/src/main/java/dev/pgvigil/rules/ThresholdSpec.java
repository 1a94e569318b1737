package dev.pgvigil.rules;

/**
 * A threshold as written in the configuration: every key optional, an absent key keeps the value of the
 * layer below (built-in default, then {@code thresholds}, then {@code instances.<id>}).
 */
public record ThresholdSpec(Boolean enabled, Double warning, Double critical, Integer forIntervals, Double minEvidence) {
    public ThresholdSpec {
        if (forIntervals != null && forIntervals < 1) {
            throw new IllegalArgumentException("forIntervals must be at least 1, not " + forIntervals);
        }
        if (minEvidence != null && !(minEvidence >= 0)) {
            throw new IllegalArgumentException("minEvidence must be 0 or more, not " + minEvidence);
        }
    }

    public static ThresholdSpec levels(double warning, double critical) {
        return new ThresholdSpec(null, warning, critical, null, null);
    }
}

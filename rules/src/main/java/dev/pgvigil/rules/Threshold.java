package dev.pgvigil.rules;

/**
 * A rule's levels as applied: {@code warning} and {@code critical} in the rule's unit (NaN switches a
 * level off), {@code forIntervals} consecutive intervals the condition must hold before it fires, and
 * {@code minEvidence} (see {@link Rule}) below which the rule does not judge at all.
 */
public record Threshold(boolean enabled, double warning, double critical, int forIntervals, double minEvidence) {
    public Threshold {
        if (forIntervals < 1) {
            throw new IllegalArgumentException("forIntervals must be at least 1, not " + forIntervals);
        }
        if (!(minEvidence >= 0)) {
            throw new IllegalArgumentException("minEvidence must be 0 or more, not " + minEvidence);
        }
    }

    /** This threshold with the keys {@code spec} sets replaced. */
    public Threshold with(ThresholdSpec spec) {
        if (spec == null) {
            return this;
        }
        return new Threshold(
                spec.enabled() != null ? spec.enabled() : enabled,
                spec.warning() != null ? spec.warning() : warning,
                spec.critical() != null ? spec.critical() : critical,
                spec.forIntervals() != null ? spec.forIntervals() : forIntervals,
                spec.minEvidence() != null ? spec.minEvidence() : minEvidence);
    }

    /** The severity of {@code value}, or null when it is within both levels (or the rule is off). */
    public Severity classify(Direction direction, double value) {
        if (!enabled || Double.isNaN(value)) {
            return null;
        }
        if (direction.beyond(value, critical)) {
            return Severity.CRITICAL;
        }
        if (direction.beyond(value, warning)) {
            return Severity.WARNING;
        }
        return null;
    }

    /** The level crossed for {@code severity}; the warning level when nothing fired. */
    public double levelOf(Severity severity) {
        return severity == Severity.CRITICAL ? critical : warning;
    }

    /** Rejects levels in the wrong order for the rule's direction (a critical level milder than the warning). */
    void checkOrder(Rule rule) {
        if (Double.isNaN(warning) || Double.isNaN(critical)) {
            return;
        }
        if (rule.direction() == Direction.ABOVE && critical < warning) {
            throw new IllegalArgumentException(rule.wireName() + ": critical (" + critical + ") must not be below warning ("
                    + warning + "): higher values are worse for this rule");
        }
        if (rule.direction() == Direction.BELOW && critical > warning) {
            throw new IllegalArgumentException(rule.wireName() + ": critical (" + critical + ") must not be above warning ("
                    + warning + "): lower values are worse for this rule");
        }
    }
}

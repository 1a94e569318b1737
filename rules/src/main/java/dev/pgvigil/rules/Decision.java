package dev.pgvigil.rules;

/**
 * A rule's verdict on one object for one interval: the severity (null when the condition does not
 * hold), the value, the level it was compared with, whether there was enough evidence to judge, and a
 * message for a person.
 */
public record Decision(Rule rule, Severity severity, double value, double threshold, boolean evidence, String message) {

    public boolean firing() {
        return severity != null;
    }

    /** Judges {@code value} against {@code t}; {@code subject} names the object, e.g. "database shop". */
    public static Decision judge(Rule rule, Threshold t, double value, String subject) {
        Severity s = t.classify(rule.direction(), value);
        double level = t.levelOf(s);
        String msg = subject + ": " + rule.label() + " " + rule.unit().format(value);
        if (s != null) {
            msg += " (" + s.name().toLowerCase(java.util.Locale.ROOT) + " " + (rule.direction() == Direction.ABOVE ? "above " : "below ")
                    + rule.unit().format(level) + ")";
        }
        return new Decision(rule, s, value, level, true, msg);
    }

    /** Not enough activity to judge (e.g. a cache hit ratio over 3 block reads): never fires. */
    public static Decision noEvidence(Rule rule, Threshold t, double value, String subject, String why) {
        return new Decision(rule, null, value, t.warning(), false, subject + ": not enough evidence (" + why + ")");
    }
}

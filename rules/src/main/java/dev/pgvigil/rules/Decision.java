package dev.pgvigil.rules;

import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A rule's verdict on one object for one interval: the severity (null when the condition does not
 * hold), the value, the level it was compared with, whether there was enough evidence to judge, and a
 * message for a person, written only when asked for: the analyzer judges every statement and table of a
 * fleet at every interval, and shows a person the few verdicts that change a condition.
 */
public record Decision(Rule rule, Severity severity, double value, double threshold, boolean evidence, Supplier<String> describe) {

    public Decision(Rule rule, Severity severity, double value, double threshold, boolean evidence, String message) {
        this(rule, severity, value, threshold, evidence, () -> message);
    }

    public String message() {
        return describe.get();
    }

    /** The same verdict with its message changed by {@code edit} (when it is written). */
    public Decision withMessage(UnaryOperator<String> edit) {
        Supplier<String> original = describe;
        return new Decision(rule, severity, value, threshold, evidence, () -> edit.apply(original.get()));
    }

    public boolean firing() {
        return severity != null;
    }

    /** Judges {@code value} against {@code t}; {@code subject} names the object, e.g. "database shop". */
    public static Decision judge(Rule rule, Threshold t, double value, String subject) {
        Severity s = t.classify(rule.direction(), value);
        double level = t.levelOf(s);
        return new Decision(rule, s, value, level, true, () -> {
            String msg = subject + ": " + rule.label() + " " + rule.unit().format(value);
            if (s != null) {
                msg += " (" + s.name().toLowerCase(java.util.Locale.ROOT) + " " + (rule.direction() == Direction.ABOVE ? "above " : "below ")
                        + rule.unit().format(level) + ")";
            }
            return msg;
        });
    }

    /** Not enough activity to judge (e.g. a cache hit ratio over 3 block reads): never fires. */
    public static Decision noEvidence(Rule rule, Threshold t, double value, String subject, String why) {
        return noEvidence(rule, t, value, subject, () -> why);
    }

    /** As {@link #noEvidence(Rule, Threshold, double, String, String)}, the reason written only when asked for. */
    public static Decision noEvidence(Rule rule, Threshold t, double value, String subject, Supplier<String> why) {
        return new Decision(rule, null, value, t.warning(), false, () -> subject + ": not enough evidence (" + why.get() + ")");
    }
}

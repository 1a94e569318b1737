package dev.pgvigil.rules;

import java.time.Instant;

/**
 * What is remembered between intervals about one (rule, instance, object) whose condition holds:
 * how many consecutive intervals it has held, since when, and the severity it fired at (null while
 * still pending its {@code for} duration). An object whose condition does not hold has no Condition.
 */
public record Condition(int heldIntervals, Instant since, Severity firing) {

    public enum Event { NONE, FIRING, RESOLVED }

    /**
     * The outcome of one interval: the condition to remember (null when clear), the event to publish, and
     * its severity (the new one for FIRING, the last fired one for RESOLVED), and since when the condition
     * has held (null when it never did).
     */
    public record Step(Condition next, Event event, Severity severity, Instant since) {
        public boolean emits() {
            return event != Event.NONE;
        }
    }

    /**
     * Advances {@code previous} (null when the condition did not hold) by one interval's decision.
     *
     * <ul>
     *   <li>Fires when the condition has held {@code forIntervals} consecutive intervals;</li>
     *   <li>fires again, at once, when the severity changes while firing;</li>
     *   <li>resolves exactly once when it stops holding after having fired (a pending condition that
     *       clears is forgotten silently). No evidence counts as not holding.</li>
     * </ul>
     */
    public static Step step(Condition previous, Decision decision, int forIntervals, Instant at) {
        if (!decision.firing()) {
            return clear(previous);
        }
        int held = previous == null ? 1 : previous.heldIntervals + 1;
        Instant since = previous == null ? at : previous.since;
        Severity firedBefore = previous == null ? null : previous.firing;
        if (held < forIntervals) {
            return new Step(new Condition(held, since, firedBefore), Event.NONE, null, since);
        }
        Severity now = decision.severity();
        Condition next = new Condition(held, since, now);
        return now == firedBefore ? new Step(next, Event.NONE, null, since) : new Step(next, Event.FIRING, now, since);
    }

    /** The condition no longer holds (or its object is gone): resolves it if it had fired. */
    public static Step clear(Condition previous) {
        if (previous != null && previous.firing != null) {
            return new Step(null, Event.RESOLVED, previous.firing, previous.since);
        }
        return new Step(null, Event.NONE, null, previous == null ? null : previous.since);
    }
}

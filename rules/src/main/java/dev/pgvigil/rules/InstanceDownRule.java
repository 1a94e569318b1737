package dev.pgvigil.rules;

import java.time.Duration;
import java.time.Instant;

/** How many collection intervals have passed without a successful snapshot of an instance. */
public final class InstanceDownRule {
    private InstanceDownRule() {}

    /**
     * {@code lastSuccess} is the newest successful snapshot (null if there never was one; then
     * {@code firstSeen}, the first time pgvigil heard of the instance, starts the clock).
     */
    public static Decision evaluate(Instant lastSuccess, Instant firstSeen, Instant now, Duration interval, Threshold t, String subject) {
        Instant since = lastSuccess != null ? lastSuccess : firstSeen;
        if (since == null || interval.isZero() || interval.isNegative()) {
            return Decision.noEvidence(Rule.INSTANCE_DOWN, t, 0, subject, "no collection interval known yet");
        }
        double missed = Math.max(0, Duration.between(since, now).toMillis()) / (double) interval.toMillis();
        Decision d = Decision.judge(Rule.INSTANCE_DOWN, t, missed, subject);
        String last = lastSuccess == null ? "never read successfully" : "last successful snapshot at " + lastSuccess;
        return d.withMessage(m -> m + " (" + last + ")");
    }
}

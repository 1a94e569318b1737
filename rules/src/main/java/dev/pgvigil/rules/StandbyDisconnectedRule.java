package dev.pgvigil.rules;

import dev.pgvigil.common.text.Human;
import java.time.Duration;

/**
 * A standby that stopped streaming, seen from either end: on a primary, a standby seen in
 * pg_stat_replication within the last hour that is gone from it; on a standby that should stream
 * (primary_conninfo is set), a WAL receiver that is not streaming. The value is how long it has not been
 * seen streaming; {@link Rule#STANDBY_DISCONNECTED} is critical only.
 */
public final class StandbyDisconnectedRule {
    private StandbyDisconnectedRule() {}

    /** How long a primary remembers a standby it no longer sees: after that, it is not missed any more. */
    public static final Duration REMEMBERED = Duration.ofHours(1);

    /** Whether a standby last seen at {@code lastSeenMs} is still missed at {@code nowMs}. */
    public static boolean remembered(long lastSeenMs, long nowMs) {
        return nowMs - lastSeenMs <= REMEMBERED.toMillis();
    }

    /**
     * On a primary: standby {@code name}, present now or last seen {@code secondsGone} ago.
     *
     * @param present it is in pg_stat_replication now
     */
    public static Decision onPrimary(boolean present, double secondsGone, Threshold t, String subject) {
        if (present) {
            return Decision.judge(Rule.STANDBY_DISCONNECTED, t, 0, subject);
        }
        double value = Math.max(secondsGone, Double.MIN_VALUE); // gone is gone, however recently
        Severity s = t.classify(Rule.STANDBY_DISCONNECTED.direction(), value);
        return new Decision(Rule.STANDBY_DISCONNECTED, s, value, t.levelOf(s), true,
                () -> subject + ": gone from pg_stat_replication, last seen " + ago(secondsGone) + " ago");
    }

    /** Whole seconds, as people say them: "25 s", "3 min 20 s". */
    private static String ago(double seconds) {
        return Human.duration(Duration.ofSeconds(Math.max(1, Math.round(seconds))));
    }

    /**
     * On a standby: its WAL receiver's status ({@code null}: not running), judged only when it should stream.
     *
     * @param secondsSinceStreaming since it was last seen streaming (at least one interval); NaN when nobody knows (a one-off report)
     */
    public static Decision onStandby(boolean shouldStream, String receiverStatus, String upstream, double secondsSinceStreaming,
                                     Threshold t, String subject) {
        if (!shouldStream) {
            return Decision.noEvidence(Rule.STANDBY_DISCONNECTED, t, 0, subject, "no primary_conninfo: not a streaming standby");
        }
        if ("streaming".equals(receiverStatus)) {
            return Decision.judge(Rule.STANDBY_DISCONNECTED, t, 0, subject);
        }
        boolean known = !Double.isNaN(secondsSinceStreaming);
        double value = known ? Math.max(secondsSinceStreaming, Double.MIN_VALUE) : Double.MIN_VALUE;
        Severity s = t.classify(Rule.STANDBY_DISCONNECTED.direction(), value);
        return new Decision(Rule.STANDBY_DISCONNECTED, s, value, t.levelOf(s), true, () -> subject + ": WAL receiver "
                + (receiverStatus == null ? "not running" : "'" + receiverStatus + "'")
                + (upstream == null ? "" : " (upstream " + upstream + ")") + (known ? ", not streaming for " + ago(secondsSinceStreaming) : ""));
    }
}

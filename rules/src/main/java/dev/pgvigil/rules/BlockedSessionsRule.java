package dev.pgvigil.rules;

import dev.pgvigil.common.text.Human;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Sessions waiting on a lock another session holds (pg_blocking_pids). A wait of a moment is normal;
 * only sessions whose query has waited {@code minEvidence} seconds count.
 */
public final class BlockedSessionsRule {
    private BlockedSessionsRule() {}

    public static List<Session> longBlocked(List<Session> sessions, Threshold t) {
        return sessions.stream().filter(Session::blocked)
                .filter(s -> Session.orZero(s.queryAgeSeconds()) >= t.minEvidence())
                .sorted(Comparator.comparingDouble((Session s) -> Session.orZero(s.queryAgeSeconds())).reversed())
                .toList();
    }

    public static Decision evaluate(List<Session> sessions, Threshold t, String subject) {
        List<Session> blocked = longBlocked(sessions, t);
        Decision d = Decision.judge(Rule.BLOCKED_SESSIONS, t, blocked.size(), subject);
        if (d.firing()) {
            Session worst = blocked.get(0);
            return d.withMessage(m -> m + "; longest: " + worst.describe()
                    + " waiting " + Human.seconds(Session.orZero(worst.queryAgeSeconds())) + " for pid " + worst.blockedBy());
        }
        return d;
    }

    public static Optional<Finding> finding(String instance, List<Session> sessions, Threshold t, Decision d) {
        if (!d.firing()) {
            return Optional.empty();
        }
        List<Session> blocked = longBlocked(sessions, t);
        String blocker = blocked.isEmpty() || blocked.get(0).blockedBy().isEmpty() ? "<pid>" : String.valueOf(blocked.get(0).blockedBy().get(0));
        String look = "SELECT pid, state, xact_start, query FROM pg_stat_activity WHERE pid = " + blocker + ";";
        String terminate = "SELECT pg_terminate_backend(" + blocker + ");";
        return Optional.of(new Finding(FindingKind.BLOCKED_QUERY, d.severity(), instance, instance, d.message(),
                "See what the blocker is doing: " + look + " if it must go: " + terminate, List.of(look, terminate)));
    }
}

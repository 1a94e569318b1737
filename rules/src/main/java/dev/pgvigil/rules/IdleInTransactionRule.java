package dev.pgvigil.rules;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The oldest session idle in a transaction: it holds locks and keeps vacuum from removing dead rows. */
public final class IdleInTransactionRule {
    private IdleInTransactionRule() {}

    /**
     * {@code oldestIdleSeconds} is the instance-wide figure (null: no such session); {@code sessions} the
     * sampled ones, used to name the worst in the message.
     */
    public static Decision evaluate(Double oldestIdleSeconds, List<Session> sessions, Threshold t, String subject) {
        Optional<Session> worst = worst(sessions);
        double value = Math.max(Session.orZero(oldestIdleSeconds), worst.map(s -> Session.orZero(s.stateAgeSeconds())).orElse(0.0));
        Decision d = Decision.judge(Rule.IDLE_IN_TRANSACTION, t, value, subject);
        if (d.firing() && worst.isPresent()) {
            return d.withMessage(m -> m + ", " + worst.get().describe());
        }
        return d;
    }

    static Optional<Session> worst(List<Session> sessions) {
        return sessions.stream().filter(Session::idleInTransaction)
                .max(Comparator.comparingDouble(s -> Session.orZero(s.stateAgeSeconds())));
    }

    public static Optional<Finding> finding(String instance, List<Session> sessions, Decision d) {
        if (!d.firing()) {
            return Optional.empty();
        }
        String pid = worst(sessions).map(s -> String.valueOf(s.pid())).orElse("<pid>");
        String terminate = "SELECT pg_terminate_backend(" + pid + ");";
        String timeout = "ALTER SYSTEM SET idle_in_transaction_session_timeout = '10min';";
        String reload = "SELECT pg_reload_conf();";
        return Optional.of(new Finding(FindingKind.IDLE_IN_TRANSACTION, d.severity(), instance, instance, d.message(),
                "Fix the application that leaves transactions open; to end this one: " + terminate + " to bound them: " + timeout + " " + reload,
                List.of(terminate, timeout, reload)));
    }
}

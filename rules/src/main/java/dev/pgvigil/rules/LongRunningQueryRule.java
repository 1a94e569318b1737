package dev.pgvigil.rules;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The oldest active query of an instance. */
public final class LongRunningQueryRule {
    private LongRunningQueryRule() {}

    public static Decision evaluate(Double oldestQuerySeconds, List<Session> sessions, Threshold t, String subject) {
        Optional<Session> worst = worst(sessions);
        double value = Math.max(Session.orZero(oldestQuerySeconds), worst.map(s -> Session.orZero(s.queryAgeSeconds())).orElse(0.0));
        Decision d = Decision.judge(Rule.LONG_RUNNING_QUERY, t, value, subject);
        if (d.firing() && worst.isPresent()) {
            Session s = worst.get();
            String q = s.query() == null ? "" : ": " + Text.abbreviate(s.query(), 120);
            return d.withMessage(m -> m + ", " + s.describe() + q);
        }
        return d;
    }

    static Optional<Session> worst(List<Session> sessions) {
        return sessions.stream().filter(Session::active)
                .max(Comparator.comparingDouble(s -> Session.orZero(s.queryAgeSeconds())));
    }

    public static Optional<Finding> finding(String instance, List<Session> sessions, Decision d) {
        if (!d.firing()) {
            return Optional.empty();
        }
        String pid = worst(sessions).map(s -> String.valueOf(s.pid())).orElse("<pid>");
        String cancel = "SELECT pg_cancel_backend(" + pid + ");";
        String bound = "ALTER ROLE <role> SET statement_timeout = '5min';";
        return Optional.of(new Finding(FindingKind.LONG_RUNNING_QUERY, d.severity(), instance, instance, d.message(),
                "Check whether it should still run; to cancel it: " + cancel + " to bound statements: " + bound, List.of(cancel, bound)));
    }
}

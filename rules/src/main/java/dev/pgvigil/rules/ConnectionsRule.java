package dev.pgvigil.rules;

import java.util.List;
import java.util.Optional;

/**
 * Client connections as a share of the slots ordinary users can take: max_connections less
 * superuser_reserved_connections and reserved_connections (PostgreSQL 16+).
 */
public final class ConnectionsRule {
    private ConnectionsRule() {}

    public static int usableSlots(int maxConnections, int superuserReserved, int reserved) {
        return maxConnections - superuserReserved - reserved;
    }

    public static Decision evaluate(int connections, int maxConnections, int superuserReserved, int reserved, Threshold t, String subject) {
        int usable = usableSlots(maxConnections, superuserReserved, reserved);
        if (usable <= 0) {
            return Decision.noEvidence(Rule.CONNECTIONS_USED, t, Double.NaN, subject, "no usable connection slots reported");
        }
        double ratio = (double) connections / usable;
        Decision d = Decision.judge(Rule.CONNECTIONS_USED, t, ratio, subject);
        return d.withMessage(m -> m + " (" + connections + " of " + usable + " usable slots)");
    }

    public static Optional<Finding> finding(String instance, Decision d) {
        if (!d.firing()) {
            return Optional.empty();
        }
        String who = "SELECT usename, application_name, state, count(*) FROM pg_stat_activity GROUP BY 1, 2, 3 ORDER BY 4 DESC;";
        String timeout = "ALTER SYSTEM SET idle_session_timeout = '10min';";
        String reload = "SELECT pg_reload_conf();";
        return Optional.of(new Finding(FindingKind.CONNECTIONS_HIGH, d.severity(), instance, instance, d.message(),
                "See who holds them: " + who + " put a connection pooler (PgBouncer) in front, or close idle sessions ("
                        + timeout + " " + reload + ").", List.of(who, timeout, reload)));
    }
}

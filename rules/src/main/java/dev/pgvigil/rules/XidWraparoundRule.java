package dev.pgvigil.rules;

import java.util.List;
import java.util.Optional;

/** age(datfrozenxid) as a share of the 2^31 transactions after which PostgreSQL stops to avoid wraparound. */
public final class XidWraparoundRule {
    private XidWraparoundRule() {}

    public static final double WRAPAROUND_XIDS = 2147483648.0;
    private static final String FREEZE = "VACUUM (FREEZE, VERBOSE);";

    public static Decision evaluate(long frozenXidAge, Threshold t, String subject) {
        return Decision.judge(Rule.XID_WRAPAROUND, t, frozenXidAge / WRAPAROUND_XIDS, subject);
    }

    public static Optional<Finding> finding(String instance, String database, Decision d) {
        if (!d.firing()) {
            return Optional.empty();
        }
        return Optional.of(new Finding(FindingKind.XID_WRAPAROUND, d.severity(), instance, database, d.message(),
                "Connected to database " + Sql.quoteIdent(database) + ", run: " + FREEZE + " first end whatever holds "
                        + "back the xmin horizon: long transactions (pg_stat_activity.backend_xmin), prepared transactions "
                        + "(pg_prepared_xacts), stale replication slots (pg_replication_slots).", List.of(FREEZE)));
    }
}

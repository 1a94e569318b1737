package dev.pgvigil.alerter.channel;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.rules.Rule;
import java.util.Arrays;
import java.util.Optional;

/**
 * "What to do" for a person reading an alert, per rule (the rules are {@link Rule}'s). The analyzer can
 * give its own with a label {@code advice} (it wins), e.g. a statement-specific hint.
 */
public final class Advice {
    private static final String GENERIC = "Look at the measurement against its threshold in the message, and at the "
            + "instance's recent changes (deploys, configuration, load) since the alert started.";

    private Advice() {}

    public static String forAlert(Alert alert) {
        String own = alert.labels().get("advice");
        if (own != null && !own.isBlank()) {
            return own;
        }
        return ruleOf(alert.rule()).map(Advice::forRule).orElse(GENERIC);
    }

    /** The rule a violation names, when it is one of pgvigil's. */
    static Optional<Rule> ruleOf(String wireName) {
        return Arrays.stream(Rule.values()).filter(r -> r.wireName().equals(wireName)).findFirst();
    }

    static String forRule(Rule rule) {
        return switch (rule) {
            case INSTANCE_DOWN -> "Check that PostgreSQL is running and reachable from the collector "
                    + "(host, port, firewall, pg_hba.conf) and read the server log. Other alerts of this instance are held back until it is up.";
            case CACHE_HIT_RATIO -> "Find what reads from disk: the statements with the most shared_blks_read this hour "
                    + "(pgvigil report), sequential scans on large tables (a missing index?), and whether shared_buffers fits the working set.";
            case STATEMENT_MEAN_TIME -> "Run EXPLAIN (ANALYZE, BUFFERS) on the statement (pgvigil explain): look for a plan change, "
                    + "a missing index (pgvigil suggest-indexes), stale statistics (ANALYZE the tables) or lock waits.";
            case DEAD_ROWS -> "Run VACUUM (VERBOSE) on the table; if autovacuum cannot keep up, lower the table's "
                    + "autovacuum_vacuum_scale_factor, and look for long-running or idle-in-transaction sessions holding back cleanup.";
            case CONNECTIONS_USED -> "Look at pg_stat_activity for idle and idle-in-transaction sessions and who opens them; "
                    + "put a pooler (PgBouncer) in front, or raise max_connections only with work_mem and memory in mind.";
            case IDLE_IN_TRANSACTION -> "Find the session in pg_stat_activity (state 'idle in transaction') and the application "
                    + "behind it; end it with pg_terminate_backend if it holds locks or cleanup, and set idle_in_transaction_session_timeout.";
            case LONG_RUNNING_QUERY -> "Look at the query in pg_stat_activity: is it expected (a report, a migration)? If not, "
                    + "pg_cancel_backend it, and set statement_timeout for the role that runs it.";
            case BLOCKED_SESSIONS -> "Find the blocker with pg_blocking_pids() in pg_stat_activity; a long transaction or a DDL "
                    + "waiting for its lock is the usual cause. Set lock_timeout for migrations.";
            case XID_WRAPAROUND -> "Run VACUUM (FREEZE) on the oldest tables of the database (age(relfrozenxid)) before "
                    + "PostgreSQL forces it; look for long transactions, abandoned replication slots or prepared transactions holding it back.";
            case UNUSED_INDEX -> "If the index backs no constraint and the statistics cover a full business cycle, drop it: it costs "
                    + "writes, vacuum and cache for nothing. Check replicas too, which keep their own statistics.";
            case MISSING_INDEX -> "See which statements scan the table (pgvigil suggest-indexes) and add the index it proposes, "
                    + "CREATE INDEX CONCURRENTLY to keep the table writable.";
            case REGRESSION -> "Compare with the baseline: what changed since (a deploy, a plan, data growth)? Start with the "
                    + "statements whose time grew the most (pgvigil report).";
            default -> GENERIC;
        };
    }
}

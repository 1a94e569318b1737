package dev.pgvigil.alerter.channel;

import dev.pgvigil.alerter.AlertRules;
import dev.pgvigil.alerter.model.Alert;

/**
 * "What to do" for a person reading an alert, by rule. The analyzer can give its own with a label
 * {@code advice} (it wins), e.g. a statement-specific hint.
 */
public final class Advice {
    private Advice() {}

    public static String forAlert(Alert alert) {
        String own = alert.labels().get("advice");
        if (own != null && !own.isBlank()) {
            return own;
        }
        return forRule(alert.rule());
    }

    static String forRule(String rule) {
        return switch (rule) {
            case AlertRules.INSTANCE_DOWN -> "Check that PostgreSQL is running and reachable from the collector "
                    + "(host, port, firewall, pg_hba.conf) and read the server log. Other alerts of this instance are held back until it is up.";
            case "cache_hit_ratio" -> "Find what reads from disk: the statements with the most shared_blks_read this hour "
                    + "(pgvigil report), sequential scans on large tables (a missing index?), and whether shared_buffers fits the working set.";
            case "statement_mean_time" -> "Run EXPLAIN (ANALYZE, BUFFERS) on the statement: look for a plan change, a missing index "
                    + "(pgvigil suggest-indexes), stale statistics (ANALYZE the tables) or lock waits in pg_stat_activity.";
            case "dead_rows" -> "Run VACUUM (VERBOSE) on the table; if autovacuum cannot keep up, lower the table's "
                    + "autovacuum_vacuum_scale_factor, and look for long-running or idle-in-transaction sessions holding back cleanup.";
            case "connections_used" -> "Look at pg_stat_activity for idle and idle-in-transaction sessions and who opens them; "
                    + "put a pooler (PgBouncer) in front, or raise max_connections only with work_mem and memory in mind.";
            default -> "Look at the measurement against its threshold in the message, and at the instance's recent changes "
                    + "(deploys, configuration, load) since the alert started.";
        };
    }
}

package dev.pgvigil.bench.sidebyside;

import dev.pgvigil.rules.Rule;
import dev.pgvigil.rules.Threshold;
import java.util.Locale;

/**
 * The conditions both stacks judge, from one place: pgvigil's defaults ({@link Rule#defaults()}) written as
 * PromQL alerting rules for stack A, and the one override both get (idle in transaction after
 * {@link #IDLE_SECONDS} instead of 300 s, so a planted session is judged within the run).
 *
 * <p>Equal {@code for}: pgvigil fires when the condition held at {@code forIntervals} consecutive snapshots;
 * Prometheus when it held at consecutive evaluations spanning {@code for}, so {@code for = (forIntervals - 1) x 10 s}.
 * "Of the interval" is the change between two scrapes: {@code increase(x[20s])} spans two 10 s scrapes.
 */
final class AlertRules {
    static final int IDLE_SECONDS = 20;
    static final int INTERVAL_SECONDS = 10;

    private AlertRules() {}

    /** The analyzer's {@code rules:} section, indented to sit under {@code analyzer:}. */
    static String analyzerYaml() {
        return """
                  rules:
                    thresholds:
                      idle_in_transaction: {warning: %d, critical: 100000}
                """.formatted(IDLE_SECONDS);
    }

    static String promql() {
        Threshold cache = Rule.CACHE_HIT_RATIO.defaults();
        Threshold dead = Rule.DEAD_ROWS.defaults();
        Threshold conns = Rule.CONNECTIONS_USED.defaults();
        Threshold idle = Rule.IDLE_IN_TRANSACTION.defaults();
        Threshold down = Rule.INSTANCE_DOWN.defaults();
        // the exporter with --auto-discover-databases reports the cluster-wide views once per database (label
        // server): max by (...) takes one copy
        String hit = "max by (cluster, datname) (increase(pg_stat_database_blks_hit[20s]))";
        String read = "max by (cluster, datname) (increase(pg_stat_database_blks_read[20s]))";
        String table = "max by (cluster, datname, schemaname, relname) ";
        return String.format(Locale.ROOT, """
                groups:
                  - name: pgvigil-equivalents
                    rules:
                      - alert: cache_hit_ratio
                        expr: %1$s / (%1$s + %2$s) < %3$s and %2$s >= %4$s
                        for: %5$s
                      - alert: dead_rows
                        expr: >-
                          %6$s(pg_stat_user_tables_n_dead_tup / (pg_stat_user_tables_n_live_tup + pg_stat_user_tables_n_dead_tup)) > %7$s
                          and %6$s(pg_stat_user_tables_n_live_tup + pg_stat_user_tables_n_dead_tup) >= %8$s
                        for: %9$s
                      - alert: connections_used
                        expr: >-
                          max by (cluster) (sum by (cluster, server) (pg_stat_activity_count))
                          / max by (cluster) (pg_settings_max_connections - pg_settings_superuser_reserved_connections) > %10$s
                        for: %11$s
                      - alert: idle_in_transaction
                        expr: max by (cluster, datname) (pg_stat_activity_max_tx_duration{state="idle in transaction"}) > %12$d
                        for: %13$s
                      - alert: instance_down
                        expr: min by (cluster) (pg_up) == 0 or max by (cluster) (up{job="postgres"}) == 0
                        for: %14$s
                """, hit, read, cache.warning(), (long) cache.minEvidence(), forOf(cache),
                table, dead.warning(), (long) dead.minEvidence(), forOf(dead),
                conns.warning(), forOf(conns), IDLE_SECONDS, forOf(idle),
                // pgvigil: more than `warning` intervals without a snapshot, i.e. the (warning + 1)th
                (int) down.warning() * INTERVAL_SECONDS + "s");
    }

    private static String forOf(Threshold t) {
        return (t.forIntervals() - 1) * INTERVAL_SECONDS + "s";
    }
}

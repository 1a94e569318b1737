package dev.pgvigil.rules;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every thresholded rule with its default levels: the one place for pgvigil's default thresholds
 * (DESIGN.md, "Defaults from the field"). The wire name is the {@code rule} of a violation and the key
 * under {@code analyzer.rules.thresholds} in the configuration.
 *
 * Each rule carries its advice beside it: what a person should do when it fires.
 *
 * <p>What {@code minEvidence} counts differs per rule and is part of each constant's documentation.
 */
public enum Rule {
    /** Interval cache hit ratio of a database; evidence: block reads (hit + read) in the interval. */
    CACHE_HIT_RATIO(Direction.BELOW, Unit.RATIO, "cache hit ratio", new Threshold(true, 0.80, 0.50, 2, 1000),
            "Find what reads from disk: the statements with the most shared_blks_read this hour "
            + "(pgvigil report), sequential scans on large tables (a missing index?), and whether shared_buffers fits the working set."),
    /** Interval mean execution time of a statement (queryid); evidence: calls in the interval. */
    STATEMENT_MEAN_TIME(Direction.ABOVE, Unit.MILLISECONDS, "mean time", new Threshold(true, 100, 500, 2, 5),
            "Run EXPLAIN (ANALYZE, BUFFERS) on the statement (pgvigil explain): look for a plan change, "
            + "a missing index (pgvigil suggest-indexes), stale statistics (ANALYZE the tables) or lock waits."),
    /** Dead rows of a table as a share of its rows; evidence: live + dead rows (the minimum table size). */
    DEAD_ROWS(Direction.ABOVE, Unit.RATIO, "dead rows", new Threshold(true, 0.10, 0.20, 1, 10_000),
            "Run VACUUM (VERBOSE) on the table; if autovacuum cannot keep up, lower the table's "
            + "autovacuum_vacuum_scale_factor, and look for long-running or idle-in-transaction sessions holding back cleanup."),
    /** Client connections of the usable slots (max_connections less the reserved ones); no evidence guard. */
    CONNECTIONS_USED(Direction.ABOVE, Unit.RATIO, "connections used", new Threshold(true, 0.80, 0.95, 2, 0),
            "Look at pg_stat_activity for idle and idle-in-transaction sessions and who opens them; "
            + "put a pooler (PgBouncer) in front, or raise max_connections only with work_mem and memory in mind."),
    /** Seconds the oldest session has been idle in a transaction. */
    IDLE_IN_TRANSACTION(Direction.ABOVE, Unit.SECONDS, "idle in transaction for", new Threshold(true, 300, 1800, 1, 0),
            "Find the session in pg_stat_activity (state 'idle in transaction') and the application "
            + "behind it; end it with pg_terminate_backend if it holds locks or cleanup, and set idle_in_transaction_session_timeout."),
    /** Seconds the oldest active query has been running. */
    LONG_RUNNING_QUERY(Direction.ABOVE, Unit.SECONDS, "query running for", new Threshold(true, 300, 1800, 1, 0),
            "Look at the query in pg_stat_activity: is it expected (a report, a migration)? If not, "
            + "pg_cancel_backend it, and set statement_timeout for the role that runs it."),
    /** Sessions waiting on a lock held by another; evidence: seconds a session must have waited to count. */
    BLOCKED_SESSIONS(Direction.ABOVE, Unit.COUNT, "sessions blocked on locks", new Threshold(true, 0, 4, 1, 30),
            "Find the blocker with pg_blocking_pids() in pg_stat_activity; a long transaction or a DDL "
            + "waiting for its lock is the usual cause. Set lock_timeout for migrations."),
    /** Age of datfrozenxid as a share of the 2^31 wraparound horizon. */
    XID_WRAPAROUND(Direction.ABOVE, Unit.RATIO, "transaction ID age", new Threshold(true, 0.50, 0.75, 1, 0),
            "Run VACUUM (FREEZE) on the oldest tables of the database (age(relfrozenxid)) before "
            + "PostgreSQL forces it; look for long transactions, abandoned replication slots or prepared transactions holding it back."),
    /** Collection intervals without a successful snapshot. */
    INSTANCE_DOWN(Direction.ABOVE, Unit.INTERVALS, "no successful snapshot for", new Threshold(true, 3, 10, 1, 0),
            "Check that PostgreSQL is running and reachable from the collector "
            + "(host, port, firewall, pg_hba.conf) and read the server log. Other alerts of this instance are held back until it is up."),
    /** Scans of an index since the stats reset (fires below warning, i.e. 0 scans); evidence: days of statistics. */
    UNUSED_INDEX(Direction.BELOW, Unit.COUNT, "index scans", new Threshold(true, 1, Double.NaN, 1, 7),
            "If the index backs no constraint and the statistics cover a full business cycle, drop it: it costs "
            + "writes, vacuum and cache for nothing. Check replicas too, which keep their own statistics."),
    /** Share of a table's heap its live rows do not need (estimated from pg_stats); evidence: heap bytes. */
    TABLE_BLOAT(Direction.ABOVE, Unit.RATIO, "wasted heap", new Threshold(true, 0.30, 0.60, 1, 8 * 1024 * 1024),
            "Rewrite the table to give the space back: pg_repack (online) or VACUUM FULL (locks it); then find "
            + "why autovacuum fell behind (long transactions, a too high autovacuum_vacuum_scale_factor)."),
    /** Mean rows read per sequential scan of a table; evidence: sequential scans. */
    MISSING_INDEX(Direction.ABOVE, Unit.ROWS_PER_SCAN, "sequential scans read", new Threshold(true, 10_000, 1_000_000, 1, 10),
            "See which statements scan the table (pgvigil suggest-indexes) and add the index it proposes, "
            + "CREATE INDEX CONCURRENTLY to keep the table writable."),
    /** How far a key metric departs from its baseline (same hour, recent days); evidence: days in the baseline. */
    REGRESSION(Direction.ABOVE, Unit.FACTOR, "departs from its baseline by", new Threshold(true, 2, 4, 2, 3),
            "Compare with the baseline: what changed since (a deploy, a plan, data growth)? Start with the "
            + "statements whose time grew the most (pgvigil report).");

    private final Direction direction;
    private final Unit unit;
    private final String label;
    private final Threshold defaults;
    private final String advice;
    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** What to do, for whoever meets a violation of a rule pgvigil does not know. */
    public static final String GENERIC_ADVICE = "Look at the measurement against its threshold in the message, and at the "
            + "instance's recent changes (deploys, configuration, load) since the alert started.";

    Rule(Direction direction, Unit unit, String label, Threshold defaults, String advice) {
        this.direction = direction;
        this.unit = unit;
        this.label = label;
        this.defaults = defaults;
        this.advice = advice;
    }

    public Direction direction() {
        return direction;
    }

    public Unit unit() {
        return unit;
    }

    /** How the value is introduced in a message, e.g. "cache hit ratio". */
    public String label() {
        return label;
    }

    public Threshold defaults() {
        return defaults;
    }

    /** What a person who meets this rule's violation should do first: the "what to do" of alerts and notifications. */
    public String advice() {
        return advice;
    }

    /** The advice for a violation's rule name, or {@link #GENERIC_ADVICE} for a rule pgvigil does not know. */
    public static String adviceFor(String wireName) {
        return find(wireName).map(Rule::advice).orElse(GENERIC_ADVICE);
    }

    /** e.g. {@code cache_hit_ratio}. */
    public String wireName() {
        return wireName;
    }

    public static Rule fromWireName(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown rule '" + name + "' (known: " + knownNames() + ")"));
    }

    /** The rule a violation names, when it is one of pgvigil's (violations may come from elsewhere). */
    public static Optional<Rule> find(String wireName) {
        return Arrays.stream(values()).filter(r -> r.wireName().equals(wireName)).findFirst();
    }

    public static String knownNames() {
        return Arrays.stream(values()).map(Rule::wireName).collect(Collectors.joining(", "));
    }
}

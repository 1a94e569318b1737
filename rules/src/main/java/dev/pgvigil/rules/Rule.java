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
    /**
     * A standby's replay lag in seconds, judged only while WAL is being written (an idle primary moves no
     * replay timestamp, so the lag of a standby that is fully caught up would look like it grows). Its
     * byte levels are {@link #REPLICATION_LAG_BYTES}; either fires this rule.
     */
    REPLICATION_LAG(Direction.ABOVE, Unit.SECONDS, "replay lag", new Threshold(true, 30, 300, 2, 0),
            "See why the standby falls behind: replay paused (pg_is_wal_replay_paused()), a long query on it "
            + "conflicting with replay (max_standby_streaming_delay), its disk or CPU, or the network; pg_stat_replication "
            + "on the primary shows where it is (write, flush or replay)."),
    /** The byte levels of {@code replication_lag}: WAL a standby has not replayed yet, judged always. Fires as replication_lag. */
    REPLICATION_LAG_BYTES(Direction.ABOVE, Unit.BYTES, "behind by", new Threshold(true, 256.0 * 1024 * 1024, 1024.0 * 1024 * 1024, 2, 0),
            "As for replication_lag: find out whether the standby receives, flushes or replays slowly "
            + "(pg_stat_replication on the primary, pg_stat_wal_receiver on the standby)."),
    /**
     * A standby seen in the last hour that is gone from pg_stat_replication, or a standby whose WAL receiver
     * does not stream; value: seconds since it was last seen streaming. Critical only.
     */
    STANDBY_DISCONNECTED(Direction.ABOVE, Unit.SECONDS, "not streaming for", new Threshold(true, Double.NaN, 0, 2, 0),
            "Check the standby is running and can reach the primary (its server log: authentication, "
            + "pg_hba.conf, a removed WAL segment or a missing slot); while it is away, its slot retains WAL on the primary."),
    /**
     * WAL an inactive replication slot retains; a slot whose wal_status is unreserved or lost is critical
     * whatever its size.
     */
    REPLICATION_SLOT_RETENTION(Direction.ABOVE, Unit.BYTES, "retains", new Threshold(true, 1024.0 * 1024 * 1024, 10.0 * 1024 * 1024 * 1024, 1, 0),
            "Bring the slot's consumer back (the standby or the logical subscriber), or drop the slot if it is "
            + "abandoned (SELECT pg_drop_replication_slot('name')): it keeps WAL until the disk fills. "
            + "max_slot_wal_keep_size bounds what a slot may keep."),
    /** Failed archive attempts in the interval, while the last failure is newer than the last success. Critical only. */
    ARCHIVER_FAILING(Direction.ABOVE, Unit.COUNT, "failed archive attempts", new Threshold(true, Double.NaN, 0, 1, 0),
            "Run archive_command by hand as the postgres user on the segment pg_stat_archiver names (last_failed_wal) "
            + "and read the server log: a full or unreachable archive, permissions. WAL piles up in pg_wal until it succeeds."),
    /** Seconds the oldest xmin (a session, a replication slot or a prepared transaction) has held the vacuum horizon back. */
    VACUUM_HORIZON_HELD(Direction.ABOVE, Unit.SECONDS, "vacuum horizon held for", new Threshold(true, 3600, 21600, 1, 0),
            "End what holds it: the session (pg_terminate_backend), the prepared transaction (COMMIT or ROLLBACK PREPARED), "
            + "or the slot (bring its consumer back, or pg_drop_replication_slot); until then VACUUM removes no dead row newer than it."),
    /** Share of the checkpoints of the last hour that were requested (max_wal_size reached) rather than timed; evidence: checkpoints in that hour. */
    CHECKPOINTS_REQUESTED(Direction.ABOVE, Unit.RATIO, "checkpoints requested", new Threshold(true, 0.5, Double.NaN, 1, 3),
            "Raise max_wal_size so that checkpoints come from checkpoint_timeout, not from WAL volume: fewer "
            + "checkpoints, fewer full-page writes, smoother I/O."),
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

package dev.pgvigil.rules;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Every thresholded rule with its default levels: the one place for pgvigil's default thresholds
 * (DESIGN.md, "Defaults from the field"). The wire name is the {@code rule} of a violation and the key
 * under {@code analyzer.rules.thresholds} in the configuration.
 *
 * <p>What {@code minEvidence} counts differs per rule and is part of each constant's documentation.
 */
public enum Rule {
    /** Interval cache hit ratio of a database; evidence: block reads (hit + read) in the interval. */
    CACHE_HIT_RATIO(Direction.BELOW, Unit.RATIO, "cache hit ratio", new Threshold(true, 0.80, 0.50, 2, 1000)),
    /** Interval mean execution time of a statement (queryid); evidence: calls in the interval. */
    STATEMENT_MEAN_TIME(Direction.ABOVE, Unit.MILLISECONDS, "mean time", new Threshold(true, 100, 500, 2, 5)),
    /** Dead rows of a table as a share of its rows; evidence: live + dead rows (the minimum table size). */
    DEAD_ROWS(Direction.ABOVE, Unit.RATIO, "dead rows", new Threshold(true, 0.10, 0.20, 1, 10_000)),
    /** Client connections of the usable slots (max_connections less the reserved ones); no evidence guard. */
    CONNECTIONS_USED(Direction.ABOVE, Unit.RATIO, "connections used", new Threshold(true, 0.80, 0.95, 2, 0)),
    /** Seconds the oldest session has been idle in a transaction. */
    IDLE_IN_TRANSACTION(Direction.ABOVE, Unit.SECONDS, "idle in transaction for", new Threshold(true, 300, 1800, 1, 0)),
    /** Seconds the oldest active query has been running. */
    LONG_RUNNING_QUERY(Direction.ABOVE, Unit.SECONDS, "query running for", new Threshold(true, 300, 1800, 1, 0)),
    /** Sessions waiting on a lock held by another; evidence: seconds a session must have waited to count. */
    BLOCKED_SESSIONS(Direction.ABOVE, Unit.COUNT, "sessions blocked on locks", new Threshold(true, 0, 4, 1, 30)),
    /** Age of datfrozenxid as a share of the 2^31 wraparound horizon. */
    XID_WRAPAROUND(Direction.ABOVE, Unit.RATIO, "transaction ID age", new Threshold(true, 0.50, 0.75, 1, 0)),
    /** Collection intervals without a successful snapshot. */
    INSTANCE_DOWN(Direction.ABOVE, Unit.INTERVALS, "no successful snapshot for", new Threshold(true, 3, 10, 1, 0)),
    /** Scans of an index since the stats reset (fires below warning, i.e. 0 scans); evidence: days of statistics. */
    UNUSED_INDEX(Direction.BELOW, Unit.COUNT, "index scans", new Threshold(true, 1, Double.NaN, 1, 7)),
    /** Share of a table's heap its live rows do not need (estimated from pg_stats); evidence: heap bytes. */
    TABLE_BLOAT(Direction.ABOVE, Unit.RATIO, "wasted heap", new Threshold(true, 0.30, 0.60, 1, 8 * 1024 * 1024)),
    /** Mean rows read per sequential scan of a table; evidence: sequential scans. */
    MISSING_INDEX(Direction.ABOVE, Unit.ROWS_PER_SCAN, "sequential scans read", new Threshold(true, 10_000, 1_000_000, 1, 10)),
    /** How far a key metric departs from its baseline (same hour, recent days); evidence: days in the baseline. */
    REGRESSION(Direction.ABOVE, Unit.FACTOR, "departs from its baseline by", new Threshold(true, 2, 4, 2, 3));

    private final Direction direction;
    private final Unit unit;
    private final String label;
    private final Threshold defaults;
    private final String wireName = name().toLowerCase(Locale.ROOT);

    Rule(Direction direction, Unit unit, String label, Threshold defaults) {
        this.direction = direction;
        this.unit = unit;
        this.label = label;
        this.defaults = defaults;
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

    /** e.g. {@code cache_hit_ratio}. */
    public String wireName() {
        return wireName;
    }

    public static Rule fromWireName(String name) {
        for (Rule r : values()) {
            if (r.wireName().equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown rule '" + name + "' (known: " + knownNames() + ")");
    }

    public static String knownNames() {
        return Arrays.stream(values()).map(Rule::wireName).collect(Collectors.joining(", "));
    }
}

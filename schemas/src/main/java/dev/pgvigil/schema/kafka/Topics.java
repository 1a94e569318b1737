package dev.pgvigil.schema.kafka;

import java.util.List;

/**
 * Every topic name pgvigil uses, in one place. These names are a contract with downstream consumers
 * (documented in README): change them only with a migration note.
 *
 * <p>Every record is keyed by the instance id, except where a topic's comment says otherwise; all
 * stats topics share a partition count so the analyzer's joins are co-partitioned.
 */
public final class Topics {
    private Topics() {}

    /** Snapshot envelopes ({@code SnapshotInfo}): one per collection cycle, published after its chunks. */
    public static final String SNAPSHOTS = "pgvigil.snapshots";
    public static final String STATS_DATABASE = "pgvigil.stats.database";
    public static final String STATS_STATEMENTS = "pgvigil.stats.statements";
    public static final String STATS_TABLES = "pgvigil.stats.tables";
    public static final String STATS_INDEXES = "pgvigil.stats.indexes";
    public static final String STATS_ACTIVITY = "pgvigil.stats.activity";
    public static final String STATS_SETTINGS = "pgvigil.stats.settings";
    /** Replication, WAL, archiver, checkpoints and the vacuum horizon ({@code ReplicationSnapshot}): one record per snapshot. */
    public static final String STATS_REPLICATION = "pgvigil.stats.replication";

    /** Per-interval metrics ({@code MetricBatch}). */
    public static final String METRICS = "pgvigil.metrics";
    /** Windowed rollups ({@code Rollup}): {@code pgvigil.rollups.1m}, {@code pgvigil.rollups.1h}. */
    public static final String ROLLUPS_PREFIX = "pgvigil.rollups.";
    public static final String VIOLATIONS = "pgvigil.violations";
    public static final String FINDINGS = "pgvigil.findings";
    /** Requests for a named baseline: key the instance id, value the baseline's name (UTF-8 text). */
    public static final String BASELINE_REQUESTS = "pgvigil.baseline.requests";
    /** Named baselines ({@code BaselineSet}), compacted. */
    public static final String BASELINES = "pgvigil.baselines";
    /** Alert state ({@code AlertState}), compacted; keyed by the alert's fingerprint, not the instance. */
    public static final String ALERTS = "pgvigil.alerts";
    /** Silences ({@code Silence}), compacted; keyed by the silence id. */
    public static final String SILENCES = "pgvigil.silences";
    /**
     * The fleet ({@code Target}), compacted; keyed by the target id (= the instance id of its snapshots).
     * Collectors share its partitions as one consumer group; never a secret on it.
     */
    public static final String TARGETS = "pgvigil.targets";
    /**
     * How each target's collection goes ({@code TargetStatus}), compacted; keyed by the target id. Written by
     * the collector that owns the target, in each snapshot's transaction; a tombstone once the target is removed.
     */
    public static final String TARGETS_STATUS = "pgvigil.targets.status";
    /** Records the analyzer could not deserialize, with the error in headers. */
    public static final String ANALYZER_DLQ = "pgvigil.analyzer.dlq";
    /** Notifications that failed every retry, with the error ({@code FailedNotification}). */
    public static final String NOTIFICATIONS_DLQ = "pgvigil.notifications.dlq";
    /** Violations the alerter could not decode, as they came, with the error in headers. */
    public static final String ALERTER_DLQ = "pgvigil.alerter.dlq";

    public static String rollups(String window) {
        return ROLLUPS_PREFIX + window;
    }

    /** The collector's output, in the order a snapshot is published (envelope last). */
    public static final List<String> STATS = List.of(
            STATS_DATABASE, STATS_STATEMENTS, STATS_TABLES, STATS_INDEXES, STATS_ACTIVITY, STATS_SETTINGS, STATS_REPLICATION);
}

package dev.pgvigil.analyzer;

/**
 * The names of the analyzer's topology nodes and state stores, in one place so processors and queries
 * can name a child or a store without knowing the topology. Which node feeds which is decided only in
 * {@link AnalyzerTopology#build}. Node and store names are part of the contract with running deployments
 * (changelog topics are named after the stores): change them only with a migration note.
 */
public final class TopologyNames {
    private TopologyNames() {}

    // sources
    public static final String SNAPSHOTS_SOURCE = "snapshots-source";
    public static final String DATABASE_SOURCE = "database-source";
    public static final String STATEMENTS_SOURCE = "statements-source";
    public static final String TABLES_SOURCE = "tables-source";
    public static final String INDEXES_SOURCE = "indexes-source";
    public static final String ACTIVITY_SOURCE = "activity-source";
    public static final String REPLICATION_SOURCE = "replication-source";
    public static final String BASELINE_REQUESTS_SOURCE = "baseline-requests-source";
    // processors
    /** Hands each metric batch on to every node the topology connects to it (metrics topic, trends, baselines). */
    public static final String METRIC_BATCHES = "metric-batches";
    public static final String ENVELOPES = "envelopes";
    public static final String DATABASE_STATS = "database-stats";
    public static final String STATEMENT_STATS = "statement-stats";
    public static final String TABLE_STATS = "table-stats";
    public static final String INDEX_STATS = "index-stats";
    public static final String ACTIVITY = "activity";
    public static final String REPLICATION = "replication";
    public static final String TRENDS = "trends";
    public static final String BASELINES = "baselines";
    public static final String NAMED_BASELINES = "named-baselines";
    // sinks
    public static final String METRICS_SINK = "metrics-sink";
    public static final String VIOLATIONS_SINK = "violations-sink";
    public static final String FINDINGS_SINK = "findings-sink";
    public static final String ROLLUPS_1M_SINK = "rollups-1m-sink";
    public static final String ROLLUPS_1H_SINK = "rollups-1h-sink";
    public static final String BASELINES_SINK = "baselines-sink";
    // stores
    public static final String INSTANCES_STORE = "pgvigil-instances";
    public static final String CURSORS_STORE = "pgvigil-cursors";
    public static final String DATABASES_STORE = "pgvigil-databases";
    public static final String STATEMENTS_STORE = "pgvigil-statements";
    public static final String TABLES_STORE = "pgvigil-tables";
    public static final String INDEXES_STORE = "pgvigil-indexes";
    public static final String FINDINGS_STORE = "pgvigil-findings-published";
    /** (instance, kind, object) → the finding as last observed, while it holds: what the dashboard lists. */
    public static final String FINDINGS_CURRENT_STORE = "pgvigil-findings-current";
    /** A global copy of the alerter's compacted pgvigil.alerts (fingerprint → AlertState), for the dashboard. */
    public static final String ALERTS_STORE = "pgvigil-alerts";
    public static final String ALERTS_SOURCE = "alerts-source";
    public static final String ALERTS_UPDATER = "alerts-updater";
    /** Closed windows: (instance, metric) → the rollups of all its series in one window (0.1 kept one record per series). */
    public static final String ROLLUPS_1M_STORE = "pgvigil-rollup-blocks-1m";
    public static final String ROLLUPS_1H_STORE = "pgvigil-rollup-blocks-1h";
    /** Open windows: (window, instance, metric) → the window being rolled up now. */
    public static final String ROLLUPS_OPEN_STORE = "pgvigil-rollup-blocks-open";
    public static final String ROLLUP_MARKS_STORE = "pgvigil-rollup-marks";
    public static final String BASELINES_HOURLY_STORE = "pgvigil-baselines-hourly";
    public static final String NAMED_BASELINES_STORE = "pgvigil-named-baselines";
    /** instance → what the replication rules remember between snapshots ({@code ReplicationState}). */
    public static final String REPLICATION_STORE = "pgvigil-replication";

}

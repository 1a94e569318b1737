package dev.pgvigil.analyzer;

import dev.pgvigil.common.config.Limits;
import dev.pgvigil.rules.RulesConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@code analyzer} section of pgvigil's YAML file. Every key is optional; see docs/analyzer.md.
 *
 * @param applicationId Kafka Streams application.id: copies with the same id share the work
 * @param stateDir where the local state stores live (restored from their changelogs when lost)
 * @param rules thresholds, {@code for} durations, evidence guards, per-instance overrides
 * @param rollupMetrics metric names (a trailing {@code *} matches a prefix) rolled up at 1 minute and 1 hour
 * @param rollup1mRetentionHours how long the 1-minute window store keeps windows
 * @param rollup1hRetentionDays how long the 1-hour window store keeps windows
 * @param diskSizeBytes per instance id: the disk its data lives on, for "days until full"
 * @param baselineDays how many recent days the continuous baselines average over (same hour of day)
 * @param namedBaselinesKept how many named baselines per instance are kept on pgvigil.baselines
 * @param findingsRepeatMinutes an unchanged finding is published again after this long
 * @param instanceDownCheckSeconds how often the wall clock looks for instances that went silent
 * @param assumedIntervalSeconds the collection interval assumed until two snapshots show the real one
 * @param maxPointsPerBatch the most metric points in one pgvigil.metrics record
 * @param stateBuckets how many state records the entities of one kind of one instance are spread over
 * @param entityMetrics publish per-statement, per-table and per-index points on pgvigil.metrics (default true);
 *                      false keeps only instance and database points, for fleets where that volume does not pay
 * @param stateCacheEntries how many state records each of the busiest stores keeps deserialized, per stream task
 *                          (about {@code stateBuckets} per instance): a fleet bigger than that per task reads and
 *                          writes its state through RocksDB on every chunk
 * @param streams Kafka Streams properties passed through as they are (num.stream.threads, ...)
 */
public record AnalyzerConfig(
        String applicationId,
        Path stateDir,
        RulesConfig rules,
        List<String> rollupMetrics,
        Integer rollup1mRetentionHours,
        Integer rollup1hRetentionDays,
        Map<String, Long> diskSizeBytes,
        Integer baselineDays,
        Integer namedBaselinesKept,
        Integer findingsRepeatMinutes,
        Integer instanceDownCheckSeconds,
        Integer assumedIntervalSeconds,
        Integer maxPointsPerBatch,
        Integer stateBuckets,
        Boolean entityMetrics,
        Integer stateCacheEntries,
        Map<String, String> streams) {

    /** Instance and database metrics, and what the dashboard charts of statements and tables (top statements over a range). */
    public static final List<String> DEFAULT_ROLLUP_METRICS = List.of("instance.*", "database.*",
            "statement.calls_per_s", "statement.time_ms_per_s", "statement.mean_time_ms", "statement.rows_per_s", "table.dead_rows",
            "wal.*", "replication.*", "checkpoints.*", "archiver.*", "horizon.*");

    public AnalyzerConfig {
        applicationId = applicationId == null || applicationId.isBlank() ? "pgvigil-analyzer" : applicationId;
        stateDir = stateDir == null ? Path.of(System.getProperty("java.io.tmpdir"), "pgvigil-analyzer-state") : stateDir;
        rules = rules == null ? RulesConfig.defaults() : rules;
        rollupMetrics = rollupMetrics == null ? DEFAULT_ROLLUP_METRICS : List.copyOf(rollupMetrics);
        rollup1mRetentionHours = Limits.intOrDefault("rollup1mRetentionHours", rollup1mRetentionHours, 24, 1, 24 * 90);
        rollup1hRetentionDays = Limits.intOrDefault("rollup1hRetentionDays", rollup1hRetentionDays, 30, 1, 3650);
        diskSizeBytes = diskSizeBytes == null ? Map.of() : Map.copyOf(diskSizeBytes);
        diskSizeBytes.forEach((id, size) -> {
            if (size == null || size <= 0) {
                throw new IllegalArgumentException("diskSizeBytes." + id + " must be a positive number of bytes");
            }
        });
        baselineDays = Limits.intOrDefault("baselineDays", baselineDays, 7, 1, 90);
        namedBaselinesKept = Limits.intOrDefault("namedBaselinesKept", namedBaselinesKept, 10, 1, 100);
        findingsRepeatMinutes = Limits.intOrDefault("findingsRepeatMinutes", findingsRepeatMinutes, 60, 1, 7 * 24 * 60);
        instanceDownCheckSeconds = Limits.intOrDefault("instanceDownCheckSeconds", instanceDownCheckSeconds, 5, 1, 3600);
        assumedIntervalSeconds = Limits.intOrDefault("assumedIntervalSeconds", assumedIntervalSeconds, 10, 1, 86_400);
        maxPointsPerBatch = Limits.intOrDefault("maxPointsPerBatch", maxPointsPerBatch, 1000, 10, 5000);
        stateBuckets = Limits.intOrDefault("stateBuckets", stateBuckets, 16, 1, 1024);
        entityMetrics = entityMetrics == null || entityMetrics;
        stateCacheEntries = Limits.intOrDefault("stateCacheEntries", stateCacheEntries, 4096, 256, 10_000_000);
        streams = streams == null ? Map.of() : Map.copyOf(streams);
    }

    /** Without {@code entityMetrics} (on): the shape before it existed. */
    public AnalyzerConfig(String applicationId, Path stateDir, RulesConfig rules, List<String> rollupMetrics, Integer rollup1mRetentionHours,
                          Integer rollup1hRetentionDays, Map<String, Long> diskSizeBytes, Integer baselineDays, Integer namedBaselinesKept,
                          Integer findingsRepeatMinutes, Integer instanceDownCheckSeconds, Integer assumedIntervalSeconds,
                          Integer maxPointsPerBatch, Integer stateBuckets, Map<String, String> streams) {
        this(applicationId, stateDir, rules, rollupMetrics, rollup1mRetentionHours, rollup1hRetentionDays, diskSizeBytes, baselineDays,
                namedBaselinesKept, findingsRepeatMinutes, instanceDownCheckSeconds, assumedIntervalSeconds, maxPointsPerBatch, stateBuckets,
                null, null, streams);
    }

    public static AnalyzerConfig defaults() {
        return new AnalyzerConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public AnalyzerConfig withRules(RulesConfig newRules) {
        return new AnalyzerConfig(applicationId, stateDir, newRules, rollupMetrics, rollup1mRetentionHours, rollup1hRetentionDays,
                diskSizeBytes, baselineDays, namedBaselinesKept, findingsRepeatMinutes, instanceDownCheckSeconds, assumedIntervalSeconds,
                maxPointsPerBatch, stateBuckets, entityMetrics, stateCacheEntries, streams);
    }

    public AnalyzerConfig withStateDir(Path dir) {
        return new AnalyzerConfig(applicationId, dir, rules, rollupMetrics, rollup1mRetentionHours, rollup1hRetentionDays,
                diskSizeBytes, baselineDays, namedBaselinesKept, findingsRepeatMinutes, instanceDownCheckSeconds, assumedIntervalSeconds,
                maxPointsPerBatch, stateBuckets, entityMetrics, stateCacheEntries, streams);
    }

    public AnalyzerConfig withApplicationId(String id) {
        return new AnalyzerConfig(id, stateDir, rules, rollupMetrics, rollup1mRetentionHours, rollup1hRetentionDays,
                diskSizeBytes, baselineDays, namedBaselinesKept, findingsRepeatMinutes, instanceDownCheckSeconds, assumedIntervalSeconds,
                maxPointsPerBatch, stateBuckets, entityMetrics, stateCacheEntries, streams);
    }

    /** True when {@code metric} is rolled up: listed, or under a listed prefix ending in {@code *}. */
    public boolean rollsUp(String metric) {
        for (String pattern : rollupMetrics) {
            if (pattern.endsWith("*") ? metric.startsWith(pattern.substring(0, pattern.length() - 1)) : metric.equals(pattern)) {
                return true;
            }
        }
        return false;
    }
}

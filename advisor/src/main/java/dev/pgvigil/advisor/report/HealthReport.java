package dev.pgvigil.advisor.report;

import dev.pgvigil.rules.Finding;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code pgvigil report} says about one database: over which period, the database's counters,
 * connections, the statements, the tables, the indexes, replication and WAL, and the findings with what
 * to do about each.
 */
public record HealthReport(String instance, String serverVersion, String databaseName, Period period, DatabaseSummary database,
                           Connections connections, List<StatementRow> statements, List<TableRow> tables, List<IndexRow> indexes,
                           List<String> warnings,
                           List<Finding> findings,
                           Replication replication) {

    /**
     * The period the counters cover: an {@code interval} between two snapshots, or since the statistics
     * were reset ({@code statsResetAt}; when never reset, since the server started).
     */
    public record Period(boolean interval, Instant from, Instant to, Duration length, Instant statsResetAt, Instant statementsResetAt,
                         Instant serverStartedAt, String description) {}

    /** Counters of the database over the period, and its size now. */
    public record DatabaseSummary(long sizeBytes, Double cacheHitRatio, long blocksHit, long blocksRead, long commits, long rollbacks,
                                  long tempBytes, long deadlocks, long frozenXidAge) {}

    /** Client connections now, against what the server allows. */
    public record Connections(int total, int maxConnections, int usable, Map<String, Integer> byState, int idleInTransaction,
                              int waitingOnLocks, Double oldestTransactionSeconds, Double oldestQuerySeconds) {}

    public record StatementRow(long queryId, long calls, double totalTimeMs, double meanTimeMs, double p95TimeMs, long rows,
                               long sharedBlocksRead, String query) {}

    /** A table now (sizes, rows) and over the period (writes, scans); {@code bloatShare} null when not estimated. */
    public record TableRow(String table, long totalBytes, long heapBytes, long liveRows, long deadRows, double deadShare, long inserted,
                           long updated, long deleted, long seqScans, Long indexScans, Double bloatShare) {}

    /** An index now: scans since the stats reset, size, and what the index rules found ({@code unused}, {@code duplicate}, {@code invalid}). */
    public record IndexRow(String index, String table, long scans, long sizeBytes, List<String> marks) {}

    /**
     * Replication and WAL of the instance (primary or standby); null when they could not be read. LSNs as
     * PostgreSQL writes them; {@code walBytesPerSecond} over the period (null when it cannot be told).
     */
    public record Replication(String role, Long systemIdentifier, Integer timeline, String walPosition, String received, String replayed,
                              Instant lastReplayedCommitAt, Boolean replayPaused, String walReceiver, Double walBytesPerSecond,
                              List<StandbyRow> standbys, List<SlotRow> slots, Archiver archiver, Checkpoints checkpoints,
                              List<HolderRow> horizon) {}

    /** A standby streaming from this instance; the lag in seconds is pg_stat_replication's, null once it has caught up. */
    public record StandbyRow(String name, String state, String syncState, Double replayLagSeconds, Long notReplayedBytes) {}

    public record SlotRow(String slot, String type, boolean active, String walStatus, Long retainedBytes) {}

    /** pg_stat_archiver; {@code failing}: the last failure is newer than the last success. */
    public record Archiver(String mode, long archived, long failed, String lastArchivedWal, Instant lastArchivedAt, String lastFailedWal,
                           Instant lastFailedAt, boolean failing) {}

    /** Checkpoints over {@code over} ("since the statistics were reset", "in the last 10 s"). */
    public record Checkpoints(long timed, long requested, double writeTimeMs, double syncTimeMs, String over) {}

    /** Something holding the vacuum horizon, described for people; {@code heldSeconds} null when the server cannot tell. */
    public record HolderRow(String holder, long xminAge, Double heldSeconds) {}
}

package dev.pgvigil.advisor.report;

import dev.pgvigil.rules.Finding;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code pgvigil report} says about one database: over which period, the database's counters,
 * connections, the statements, the tables, the indexes, and the findings with what to do about each.
 */
public record HealthReport(String instance, String serverVersion, String databaseName, Period period, DatabaseSummary database,
                           Connections connections, List<StatementRow> statements, List<TableRow> tables, List<IndexRow> indexes,
                           List<String> warnings,
                           List<Finding> findings) {

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
}

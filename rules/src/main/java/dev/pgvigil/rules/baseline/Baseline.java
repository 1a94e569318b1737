package dev.pgvigil.rules.baseline;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A named picture of one instance at one moment, to compare with later: key metrics, the largest tables
 * and the costliest statements. Taken by {@link BaselineCapture}, by the analyzer from its state and by
 * the one-shot commands from a live database, so the two always mean the same numbers. The Avro
 * {@code Baseline} of pgvigil.baselines has the same shape ({@code schema.Baselines} converts).
 */
public record Baseline(String name, Instant createdAt, Map<String, Double> metrics, List<Table> tables, List<Statement> topStatements) {
    public Baseline {
        metrics = Map.copyOf(metrics);
        tables = tables == null ? List.of() : List.copyOf(tables);
        topStatements = topStatements == null ? List.of() : List.copyOf(topStatements);
    }

    /** {@code schema.table}, total size (heap, indexes, TOAST) and live rows. */
    public record Table(String name, long sizeBytes, long rows) {}

    /** A statement by queryid: calls and mean time since pg_stat_statements was reset; the text may be unknown (null). */
    public record Statement(long queryId, String query, long calls, double meanTimeMs) {}

    public static final String DATABASE_SIZE_BYTES = "database_size_bytes";
    public static final String DATABASE_COUNT = "database_count";
    public static final String CACHE_HIT_RATIO = "cache_hit_ratio";
    public static final String CONNECTIONS = "connections";
    public static final String TABLE_COUNT = "table_count";
    public static final String INDEX_COUNT = "index_count";
    public static final String STATEMENT_COUNT = "statement_count";
    public static final String LIVE_ROWS = "live_rows";
    public static final String DEAD_ROWS = "dead_rows";
}

package dev.pgvigil.rules.baseline;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes a {@link Baseline} from plain statistics: the analyzer passes its latest state of an instance,
 * the one-shot commands a snapshot of the database they are connected to (the same readers the collector
 * uses), so a baseline means the same whoever took it.
 */
public final class BaselineCapture {
    /** The largest tables kept, so a set of 10 baselines stays far below Kafka's 1 MB record limit. */
    public static final int MAX_TABLES = 100;
    /** The statements kept, by total time. */
    public static final int MAX_STATEMENTS = 20;

    /** What a baseline is taken from. {@code connections} is null when unknown. */
    public record Stats(List<Database> databases, Integer connections, List<Table> tables, int indexCount, List<Statement> statements) {
        public Stats {
            databases = List.copyOf(databases);
            tables = List.copyOf(tables);
            statements = List.copyOf(statements);
        }
    }

    /** A database of pg_stat_database: size and block counters since the stats reset. */
    public record Database(String name, long sizeBytes, long blksHit, long blksRead) {}

    /** A table: {@code schema.table}, total size (heap, indexes, TOAST), live and dead rows. */
    public record Table(String name, long totalSizeBytes, long liveRows, long deadRows) {}

    /** A statement of pg_stat_statements; {@code query} may be null when the text is not known. */
    public record Statement(long queryId, String query, long calls, double totalTimeMs, double meanTimeMs) {}

    private BaselineCapture() {}

    public static Baseline capture(Stats s, String name, Instant createdAt) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        long size = 0, hit = 0, read = 0;
        for (Database d : s.databases()) {
            size += d.sizeBytes();
            hit += d.blksHit();
            read += d.blksRead();
        }
        if (!s.databases().isEmpty()) {
            metrics.put(Baseline.DATABASE_SIZE_BYTES, (double) size);
            metrics.put(Baseline.DATABASE_COUNT, (double) s.databases().size());
        }
        if (hit + read > 0) {
            metrics.put(Baseline.CACHE_HIT_RATIO, (double) hit / (hit + read));
        }
        if (s.connections() != null) {
            metrics.put(Baseline.CONNECTIONS, (double) s.connections());
        }
        metrics.put(Baseline.TABLE_COUNT, (double) s.tables().size());
        metrics.put(Baseline.INDEX_COUNT, (double) s.indexCount());
        metrics.put(Baseline.STATEMENT_COUNT, (double) s.statements().size());
        metrics.put(Baseline.LIVE_ROWS, (double) s.tables().stream().mapToLong(Table::liveRows).sum());
        metrics.put(Baseline.DEAD_ROWS, (double) s.tables().stream().mapToLong(Table::deadRows).sum());
        List<Baseline.Table> tables = s.tables().stream()
                .sorted(Comparator.comparingLong(Table::totalSizeBytes).reversed().thenComparing(Table::name))
                .limit(MAX_TABLES)
                .map(t -> new Baseline.Table(t.name(), t.totalSizeBytes(), t.liveRows()))
                .toList();
        List<Baseline.Statement> statements = s.statements().stream()
                .sorted(Comparator.comparingDouble(Statement::totalTimeMs).reversed().thenComparingLong(Statement::queryId))
                .limit(MAX_STATEMENTS)
                .map(x -> new Baseline.Statement(x.queryId(), x.query(), x.calls(), x.meanTimeMs()))
                .toList();
        return new Baseline(name, createdAt, metrics, tables, statements);
    }
}

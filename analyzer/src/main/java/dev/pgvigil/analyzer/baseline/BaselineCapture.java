package dev.pgvigil.analyzer.baseline;

import dev.pgvigil.analyzer.process.DatabaseStatsProcessor;
import dev.pgvigil.analyzer.state.Bucket;
import dev.pgvigil.analyzer.state.DatabaseSample;
import dev.pgvigil.analyzer.state.Entity;
import dev.pgvigil.analyzer.state.IndexSample;
import dev.pgvigil.analyzer.state.InstanceState;
import dev.pgvigil.analyzer.state.KindCursor;
import dev.pgvigil.analyzer.state.StatementSample;
import dev.pgvigil.analyzer.state.TableSample;
import dev.pgvigil.schema.Baseline;
import dev.pgvigil.schema.BaselineStatement;
import dev.pgvigil.schema.BaselineTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A named baseline of an instance from the analyzer's latest state: database size, cache hit ratio
 * (since the stats reset), connections, counts of tables, indexes and statements, the largest tables
 * and the costliest statements. Works on the processor's stores and on interactive-query views alike.
 */
public final class BaselineCapture {
    /** The most tables and statements a baseline keeps, so a BaselineSet of 10 stays far below 1 MB. */
    public static final int MAX_TABLES = 200;
    public static final int MAX_STATEMENTS = 20;

    /** The analyzer's state stores, read only. */
    public record State(ReadOnlyKeyValueStore<String, InstanceState> instances,
                        ReadOnlyKeyValueStore<String, KindCursor> cursors,
                        ReadOnlyKeyValueStore<String, Bucket<DatabaseSample>> databases,
                        ReadOnlyKeyValueStore<String, Bucket<StatementSample>> statements,
                        ReadOnlyKeyValueStore<String, Bucket<TableSample>> tables,
                        ReadOnlyKeyValueStore<String, Bucket<IndexSample>> indexes,
                        int buckets) {}

    private BaselineCapture() {}

    /** The baseline, or empty when the analyzer has seen nothing of the instance. */
    public static Optional<Baseline> capture(State s, String instanceId, String name, Instant createdAt) {
        InstanceState instance = s.instances().get(instanceId);
        Bucket<DatabaseSample> dbs = s.databases().get(DatabaseStatsProcessor.bucketKey(instanceId));
        if (instance == null && dbs == null) {
            return Optional.empty();
        }
        Map<String, Double> metrics = new HashMap<>();
        if (dbs != null) {
            long size = 0, hit = 0, read = 0;
            for (Entity<DatabaseSample> e : dbs.entities.values()) {
                size += e.sample.sizeBytes();
                hit += e.sample.blksHit();
                read += e.sample.blksRead();
            }
            metrics.put("database_size_bytes", (double) size);
            metrics.put("database_count", (double) dbs.entities.size());
            if (hit + read > 0) {
                metrics.put("cache_hit_ratio", (double) hit / (hit + read));
            }
        }
        if (instance != null && instance.lastActivityMs >= 0) {
            metrics.put("connections", (double) instance.connections);
        }
        List<TableSample> tables = all(s.tables(), instanceId, s.buckets());
        List<StatementSample> statementsSeen = new ArrayList<>();
        List<BaselineStatement> statements = statements(s, instanceId, statementsSeen);
        metrics.put("table_count", (double) tables.size());
        metrics.put("index_count", (double) all(s.indexes(), instanceId, s.buckets()).size());
        metrics.put("statement_count", (double) statementsSeen.size());
        List<BaselineTable> biggest = tables.stream().sorted(Comparator.comparingLong(TableSample::totalSizeBytes).reversed())
                .limit(MAX_TABLES).map(t -> new BaselineTable(t.object(), t.totalSizeBytes(), t.liveRows())).toList();
        return Optional.of(new Baseline(name, createdAt, metrics, biggest, statements));
    }

    private static List<BaselineStatement> statements(State s, String instanceId, List<StatementSample> seen) {
        Map<Long, String> texts = new HashMap<>();
        KindCursor cursor = s.cursors().get(KindCursor.key(instanceId, "statements"));
        if (cursor != null) {
            cursor.top.forEach(t -> texts.put(t.queryId(), t.query()));
        }
        record Costly(long queryId, StatementSample sample) {}
        List<Costly> all = new ArrayList<>();
        for (int i = 0; i < s.buckets(); i++) {
            Bucket<StatementSample> b = s.statements().get(Bucket.key(instanceId, i));
            if (b != null) {
                b.entities.forEach((key, e) -> {
                    all.add(new Costly(Long.parseLong(key.substring(key.lastIndexOf(':') + 1)), e.sample));
                    seen.add(e.sample);
                });
            }
        }
        return all.stream().sorted(Comparator.comparingDouble((Costly c) -> c.sample().totalTimeMs()).reversed()).limit(MAX_STATEMENTS)
                .map(c -> new BaselineStatement(c.queryId(), texts.get(c.queryId()), c.sample().calls(), c.sample().meanTimeMs())).toList();
    }

    private static <S> List<S> all(ReadOnlyKeyValueStore<String, Bucket<S>> store, String instanceId, int buckets) {
        List<S> out = new ArrayList<>();
        for (int i = 0; i < buckets; i++) {
            Bucket<S> b = store.get(Bucket.key(instanceId, i));
            if (b != null) {
                b.entities.values().forEach(e -> out.add(e.sample));
            }
        }
        return out;
    }
}

package dev.pgvigil.analyzer.baseline;

import dev.pgvigil.analyzer.process.DatabaseStatsProcessor;
import dev.pgvigil.analyzer.state.Bucket;
import dev.pgvigil.analyzer.state.DatabaseSample;
import dev.pgvigil.analyzer.state.IndexSample;
import dev.pgvigil.analyzer.state.InstanceState;
import dev.pgvigil.analyzer.state.KindCursor;
import dev.pgvigil.analyzer.state.StatementSample;
import dev.pgvigil.analyzer.state.TableSample;
import dev.pgvigil.rules.baseline.Baseline;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The analyzer's latest state of an instance as the plain statistics {@link dev.pgvigil.rules.baseline.BaselineCapture}
 * takes a baseline from. Works on the processor's stores and on interactive-query views alike.
 */
public final class BaselineCapture {

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
        List<dev.pgvigil.rules.baseline.BaselineCapture.Database> databases = new ArrayList<>();
        if (dbs != null) {
            dbs.entities.values().forEach(e -> databases.add(new dev.pgvigil.rules.baseline.BaselineCapture.Database(
                    e.sample.datname(), e.sample.sizeBytes(), e.sample.blksHit(), e.sample.blksRead())));
        }
        Integer connections = instance != null && instance.lastActivityMs >= 0 ? instance.connections : null;
        List<dev.pgvigil.rules.baseline.BaselineCapture.Table> tables = new ArrayList<>();
        each(s.tables(), instanceId, s.buckets(), (key, t) -> tables.add(
                new dev.pgvigil.rules.baseline.BaselineCapture.Table(t.object(), t.totalSizeBytes(), t.liveRows(), t.deadRows())));
        int[] indexes = {0};
        each(s.indexes(), instanceId, s.buckets(), (key, i) -> indexes[0]++);
        Map<Long, String> texts = new HashMap<>();
        KindCursor cursor = s.cursors().get(KindCursor.key(instanceId, "statements"));
        if (cursor != null) {
            cursor.top.forEach(t -> texts.put(t.queryId(), t.query()));
        }
        List<dev.pgvigil.rules.baseline.BaselineCapture.Statement> statements = new ArrayList<>();
        each(s.statements(), instanceId, s.buckets(), (key, st) -> {
            long queryId = Long.parseLong(key.substring(key.lastIndexOf(':') + 1));
            statements.add(new dev.pgvigil.rules.baseline.BaselineCapture.Statement(queryId, texts.get(queryId), st.calls(),
                    st.totalTimeMs(), st.meanTimeMs()));
        });
        return Optional.of(dev.pgvigil.rules.baseline.BaselineCapture.capture(
                new dev.pgvigil.rules.baseline.BaselineCapture.Stats(databases, connections, tables, indexes[0], statements), name, createdAt));
    }

    /** Every entity of the instance in a bucketed store, with its key. */
    private static <S> void each(ReadOnlyKeyValueStore<String, Bucket<S>> store, String instanceId, int buckets, BiConsumer<String, S> action) {
        for (int i = 0; i < buckets; i++) {
            Bucket<S> b = store.get(Bucket.key(instanceId, i));
            if (b != null) {
                b.entities.forEach((key, e) -> action.accept(key, e.sample));
            }
        }
    }
}

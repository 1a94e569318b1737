package dev.pgvigil.analyzer.process;

import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.TopologyNames;
import dev.pgvigil.analyzer.state.Bucket;
import dev.pgvigil.analyzer.state.DatabaseSample;
import dev.pgvigil.analyzer.state.Entity;
import dev.pgvigil.analyzer.state.IndexSample;
import dev.pgvigil.analyzer.state.InstanceState;
import dev.pgvigil.analyzer.state.KindCursor;
import dev.pgvigil.rules.CounterDelta;
import dev.pgvigil.rules.DuplicateIndexRule;
import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.FindingKind;
import dev.pgvigil.rules.IndexInfo;
import dev.pgvigil.rules.InvalidIndexRule;
import dev.pgvigil.rules.Rule;
import dev.pgvigil.rules.Threshold;
import dev.pgvigil.rules.UnusedIndexRule;
import dev.pgvigil.schema.ChunkInfo;
import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.IndexesChunk;
import dev.pgvigil.schema.SnapshotRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * pg_stat_user_indexes → per-interval index metrics and the invalid-index finding; after each full
 * snapshot (every index known) the unused- and duplicate-index findings over all indexes of the
 * instance.
 */
public final class IndexStatsProcessor extends ChunkProcessor<IndexesChunk> {
    public static final String KIND = "indexes";
    static final MetricBatcher.EntityMetrics METRICS = MetricBatcher.EntityMetrics.of("index.size_bytes", "index.scans_per_s", "index.rows_read_per_s");

    public IndexStatsProcessor(AnalyzerConfig config) {
        super(config, KIND, IndexesChunk::getRef, IndexesChunk::getChunk);
    }




    @Override
    protected void chunk(IndexesChunk value, KindCursor cursor, InstanceState instance, Instant at) {
        String instanceId = instance.instanceId;
        BucketedEntities<IndexSample> buckets = new BucketedEntities<>(store(TopologyNames.INDEXES_STORE), instanceId, config.stateBuckets());
        MetricBatcher metrics = batcher(instanceId, value.getRef().getSnapshotId(), cursor);
        Map<String, Long> resets = TableStatsProcessor.statsResets(databases(), instanceId);
        long atMs = at.toEpochMilli();
        double seconds = cursor.intervalSeconds();
        for (IndexStat stat : value.getIndexes()) {
            String key = stat.getIndexRelid() + "@" + stat.getDatname();
            Bucket<IndexSample> bucket = buckets.bucketOf(key);
            IndexSample now = IndexSample.of(stat);
            Entity<IndexSample> e = bucket.entities.get(key);
            if (e != null && e.seenAtMs >= atMs) {
                continue;
            }
            long series = seriesId(instance, resets.getOrDefault(now.datname(), -1L));
            double scansPerS = Double.NaN;
            double rowsReadPerS = Double.NaN;
            if (e == null) {
                e = new Entity<>(atMs, series, now);
                bucket.entities.put(key, e);
            } else if (e.series == series && cursor.hasInterval() && now.idxScan() >= e.sample.idxScan()
                    && now.idxTupRead() >= e.sample.idxTupRead()) {
                scansPerS = CounterDelta.rate(now.idxScan() - e.sample.idxScan(), seconds);
                rowsReadPerS = CounterDelta.rate(now.idxTupRead() - e.sample.idxTupRead(), seconds);
            }
            metrics.add(METRICS, Map.of("database", now.datname(), "schema", now.schema(), "table", now.table(), "index", now.index()),
                    now.sizeBytes(), scansPerS, rowsReadPerS);
            e.sample = now;
            e.series = series;
            e.seenAtMs = atMs;
            var invalid = InvalidIndexRule.evaluate(instanceId, now.info());
            if (invalid.isPresent()) {
                findings().offer(invalid.get(), at);
                e.findings.add(FindingKind.INVALID_INDEX.wireName());
            } else if (e.findings.remove(FindingKind.INVALID_INDEX.wireName())) {
                findings().withdraw(instanceId, FindingKind.INVALID_INDEX.wireName(), now.info().object());
            }
        }
        buckets.writeBack();
        metrics.flush();
    }

    /** After a full snapshot every index of the instance is known: judge them together. */
    @Override
    protected void complete(String instanceId, KindCursor cursor, InstanceState instance, Instant at) {
        if (!cursor.full) {
            return;
        }
        long atMs = at.toEpochMilli();
        Map<String, Long> resets = TableStatsProcessor.statsResets(databases(), instanceId);
        Threshold unused = thresholds(instanceId).get(Rule.UNUSED_INDEX);
        BucketedEntities<IndexSample> buckets = new BucketedEntities<>(store(TopologyNames.INDEXES_STORE), instanceId, config.stateBuckets());
        List<IndexInfo> all = new ArrayList<>();
        Map<String, Entity<IndexSample>> byObject = new HashMap<>();
        buckets.forEachBucket((key, bucket) -> {
            for (Iterator<Entity<IndexSample>> it = bucket.entities.values().iterator(); it.hasNext(); ) {
                Entity<IndexSample> e = it.next();
                if (e.seenAtMs != atMs) {
                    e.findings.forEach(kind -> findings().withdraw(instanceId, kind, e.sample.info().object()));
                    it.remove(); // not in a full snapshot: dropped
                    continue;
                }
                all.add(e.sample.info());
                byObject.put(e.sample.info().object(), e);
            }
        });
        Map<String, Set<Finding>> flagged = new HashMap<>();
        for (Finding f : DuplicateIndexRule.evaluate(instanceId, all)) {
            flagged.computeIfAbsent(f.object(), k -> new HashSet<>()).add(f);
        }
        for (Entity<IndexSample> e : byObject.values()) {
            long reset = resets.getOrDefault(e.sample.datname(), -1L);
            Instant statsSince = reset >= 0 ? Instant.ofEpochMilli(reset)
                    : instance.postmasterStartMs == null ? null : Instant.ofEpochMilli(instance.postmasterStartMs);
            UnusedIndexRule.evaluate(instanceId, e.sample.info(), statsSince, at, unused)
                    .ifPresent(f -> flagged.computeIfAbsent(f.object(), k -> new HashSet<>()).add(f));
        }
        for (Map.Entry<String, Entity<IndexSample>> entry : byObject.entrySet()) {
            Entity<IndexSample> e = entry.getValue();
            Set<Finding> now = flagged.getOrDefault(entry.getKey(), Set.of());
            Set<String> kinds = new HashSet<>();
            for (Finding f : now) {
                findings().offer(f, at);
                kinds.add(f.kind().wireName());
            }
            for (String kind : List.of(FindingKind.UNUSED_INDEX.wireName(), FindingKind.DUPLICATE_INDEX.wireName())) {
                if (!kinds.contains(kind) && e.findings.remove(kind)) {
                    findings().withdraw(instanceId, kind, entry.getKey());
                }
            }
            e.findings.addAll(kinds);
        }
        buckets.writeBack();
    }
}

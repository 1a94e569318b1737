package dev.pgvigil.analyzer.process;

import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.TopologyNames;
import dev.pgvigil.analyzer.state.Bucket;
import dev.pgvigil.analyzer.state.DailySizes;
import dev.pgvigil.analyzer.state.DatabaseSample;
import dev.pgvigil.analyzer.state.Entity;
import dev.pgvigil.analyzer.state.InstanceState;
import dev.pgvigil.analyzer.state.KindCursor;
import dev.pgvigil.analyzer.state.TableSample;
import dev.pgvigil.rules.CounterDelta;
import dev.pgvigil.rules.Decision;
import dev.pgvigil.rules.DeadRowsRule;
import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.FindingKind;
import dev.pgvigil.rules.MissingIndexRule;
import dev.pgvigil.rules.Rule;
import dev.pgvigil.rules.RuleThresholds;
import dev.pgvigil.rules.VacuumRule;
import dev.pgvigil.schema.ChunkInfo;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.TableStat;
import dev.pgvigil.schema.TablesChunk;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * pg_stat_user_tables → per-interval table metrics (sequential vs index scans, rows read and written),
 * rows, sizes and growth; the dead-rows rule per table; the vacuum and missing-index findings.
 */
public final class TableStatsProcessor extends ChunkProcessor<TablesChunk> {
    public static final String KIND = "tables";
    static final MetricBatcher.EntityMetrics METRICS = MetricBatcher.EntityMetrics.of("table.dead_rows", "table.dead_rows_ratio",
            "table.size_bytes", "table.growth_bytes_per_day", "table.seq_scans_per_s", "table.seq_rows_read_per_s", "table.idx_scans_per_s",
            "table.rows_written_per_s");

    public TableStatsProcessor(AnalyzerConfig config) {
        super(config, KIND, TablesChunk::getRef, TablesChunk::getChunk);
    }




    static Subject deadRows(String instanceId, TableSample t) {
        return new Subject(Rule.DEAD_ROWS.wireName(), instanceId, t.object(),
                Map.of("database", t.datname(), "schema", t.schema(), "table", t.table()));
    }

    /** Stats reset time per database name, from the database processor's state (-1 when never reset). */
    static Map<String, Long> statsResets(KeyValueStore<String, Bucket<DatabaseSample>> databases, String instanceId) {
        Map<String, Long> resets = new HashMap<>();
        Bucket<DatabaseSample> b = databases.get(DatabaseStatsProcessor.bucketKey(instanceId));
        if (b != null) {
            b.entities.values().forEach(e -> resets.put(e.sample.datname(), e.sample.statsResetMs()));
        }
        return resets;
    }

    @Override
    protected void chunk(TablesChunk value, KindCursor cursor, InstanceState instance, Instant at) {
        String instanceId = instance.instanceId;
        String snapshotId = value.getRef().getSnapshotId();
        RuleThresholds t = thresholds(instanceId);
        BucketedEntities<TableSample> buckets = new BucketedEntities<>(store(TopologyNames.TABLES_STORE), instanceId, config.stateBuckets());
        MetricBatcher metrics = batcher(instanceId, snapshotId, cursor);
        Map<String, Long> resets = statsResets(databases(), instanceId);
        List<MissingIndexRule.StatementInfo> statements = cursorOf(instanceId, StatementStatsProcessor.KIND).top.stream()
                .map(s -> new MissingIndexRule.StatementInfo(s.queryId(), s.query(), s.calls(), s.totalTimeMs())).toList();
        long atMs = at.toEpochMilli();
        double seconds = cursor.intervalSeconds();
        for (TableStat stat : value.getTables()) {
            String key = stat.getRelid() + "@" + stat.getDatname();
            Bucket<TableSample> bucket = buckets.bucketOf(key);
            TableSample now = TableSample.of(stat);
            Entity<TableSample> e = bucket.entities.get(key);
            if (e != null && e.seenAtMs >= atMs) {
                continue;
            }
            long series = seriesId(instance, resets.getOrDefault(now.datname(), -1L));
            boolean sameSeries = e != null && e.series == series && !CounterDelta.wentBackwards(e.sample.counters(), now.counters());
            TableSample was = e == null ? null : e.sample;
            if (e == null) {
                e = new Entity<>(atMs, series, now);
                bucket.entities.put(key, e);
            }
            long rows = now.liveRows() + now.deadRows();
            e.dailySizes = DailySizes.record(e.dailySizes, atMs, now.totalSizeBytes(), 8);
            double growth = DailySizes.bytesPerDay(e.dailySizes, atMs, now.totalSizeBytes()).orElse(Double.NaN);
            boolean interval = sameSeries && was != null && cursor.hasInterval();
            double[] rates = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
            if (interval) {
                long written = (now.nTupIns() - was.nTupIns()) + (now.nTupUpd() - was.nTupUpd()) + (now.nTupDel() - was.nTupDel());
                rates = new double[] {CounterDelta.rate(now.seqScan() - was.seqScan(), seconds),
                        CounterDelta.rate(now.seqTupRead() - was.seqTupRead(), seconds),
                        CounterDelta.rate(now.idxScan() - was.idxScan(), seconds), CounterDelta.rate(written, seconds)};
            }
            metrics.add(METRICS, Map.of("database", now.datname(), "schema", now.schema(), "table", now.table()),
                    now.deadRows(), rows > 0 ? DeadRowsRule.share(now.liveRows(), now.deadRows()) : Double.NaN, now.totalSizeBytes(), growth,
                    rates[0], rates[1], rates[2], rates[3]);

            Subject dead = deadRows(instanceId, now);
            Decision d = DeadRowsRule.evaluate(now.liveRows(), now.deadRows(), t.get(Rule.DEAD_ROWS), dead.object());
            outputs.judge(e.conditions, dead.rule(), dead, d, t.get(Rule.DEAD_ROWS), at, snapshotId);

            offerOrWithdraw(e, FindingKind.VACUUM_OVERDUE, instanceId, now.object(),
                    VacuumRule.evaluate(instanceId, now.info(), at, t.get(Rule.DEAD_ROWS)), at);
            if (interval && now.seqScan() > was.seqScan()) {
                // judged on the counters since the stats reset, but only while sequential scans keep happening
                MissingIndexRule.TableScans scans = new MissingIndexRule.TableScans(now.schema(), now.table(), now.seqScan(), now.seqTupRead(),
                        now.idxScan(), now.liveRows());
                offerOrWithdraw(e, FindingKind.MISSING_INDEX, instanceId, now.object(),
                        MissingIndexRule.evaluate(instanceId, scans, statements, t.get(Rule.MISSING_INDEX)), at);
            }
            e.sample = now;
            e.series = series;
            e.seenAtMs = atMs;
            cursor.track(key, e);
        }
        buckets.writeBack();
        metrics.flush();
    }

    private void offerOrWithdraw(Entity<?> e, FindingKind kind, String instanceId, String object, Optional<Finding> finding, Instant at) {
        if (finding.isPresent()) {
            findings().offer(finding.get(), at);
            e.findings.add(kind.wireName());
        } else if (e.findings.remove(kind.wireName())) {
            findings().withdraw(instanceId, kind.wireName(), object);
        }
    }

    @Override
    protected void complete(String instanceId, KindCursor cursor, InstanceState instance, Instant at) {
        if (!cursor.full) {
            return; // absent tables are unchanged: their dead rows still stand
        }
        long atMs = at.toEpochMilli();
        BucketedEntities<TableSample> buckets = new BucketedEntities<>(store(TopologyNames.TABLES_STORE), instanceId, config.stateBuckets());
        buckets.forEachBucket((key, bucket) -> {
            for (Iterator<Map.Entry<String, Entity<TableSample>>> it = bucket.entities.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Entity<TableSample>> entry = it.next();
                Entity<TableSample> e = entry.getValue();
                if (e.seenAtMs == atMs) {
                    continue;
                }
                // not in a full snapshot: the table is gone
                for (String rule : e.conditions.keySet().toArray(String[]::new)) {
                    outputs.clear(e.conditions, rule, deadRows(instanceId, e.sample), "table dropped", at, cursor.snapshotId);
                }
                e.findings.forEach(kind -> findings().withdraw(instanceId, kind, e.sample.object()));
                cursor.withConditions.remove(entry.getKey());
                it.remove();
            }
        });
        buckets.writeBack();
    }
}

package dev.pgvigil.analyzer.process;

import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.TopologyNames;
import dev.pgvigil.analyzer.state.Bucket;
import dev.pgvigil.analyzer.state.DailySizes;
import dev.pgvigil.analyzer.state.DatabaseSample;
import dev.pgvigil.analyzer.state.Entity;
import dev.pgvigil.analyzer.state.InstanceState;
import dev.pgvigil.analyzer.state.KindCursor;
import dev.pgvigil.analyzer.state.ReplicationState;
import dev.pgvigil.rules.CacheHitRule;
import dev.pgvigil.rules.CounterDelta;
import dev.pgvigil.rules.Decision;
import dev.pgvigil.rules.DiskGrowth;
import dev.pgvigil.rules.Rule;
import dev.pgvigil.rules.RuleThresholds;
import dev.pgvigil.rules.XidWraparoundRule;
import dev.pgvigil.schema.ChunkInfo;
import dev.pgvigil.schema.DatabaseStat;
import dev.pgvigil.schema.DatabaseStatsChunk;
import dev.pgvigil.schema.SnapshotRef;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * pg_stat_database → per-interval database metrics (transactions, cache hit ratio, rows, temp bytes,
 * deadlocks), the cache hit and wraparound rules per database, sizes and growth; at the end of each
 * snapshot the instance-wide TPS and cache hit ratio, and days until the disk fills.
 */
public final class DatabaseStatsProcessor extends ChunkProcessor<DatabaseStatsChunk> {
    public static final String KIND = "database";
    private static final double SECONDS_PER_DAY = 86_400;

    /** The replication kind's state of the instance: the WAL its slots keep on disk counts in the disk projection. */
    private KeyValueStore<String, ReplicationState> replication;

    public DatabaseStatsProcessor(AnalyzerConfig config) {
        super(config, KIND, DatabaseStatsChunk::getRef, DatabaseStatsChunk::getChunk);
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        super.init(context);
        replication = store(TopologyNames.REPLICATION_STORE);
    }

    /** Databases are few: one bucket per instance. */
    public static String bucketKey(String instanceId) {
        return Bucket.key(instanceId, 0);
    }

    @Override
    protected void chunk(DatabaseStatsChunk value, KindCursor cursor, InstanceState instance, Instant at) {
        String instanceId = instance.instanceId;
        String snapshotId = value.getRef().getSnapshotId();
        RuleThresholds t = thresholds(instanceId);
        Bucket<DatabaseSample> bucket = databases().get(bucketKey(instanceId));
        if (bucket == null) {
            bucket = new Bucket<>();
        }
        MetricBatcher metrics = batcher(instanceId, snapshotId, cursor);
        long atMs = at.toEpochMilli();
        for (DatabaseStat d : value.getDatabases()) {
            String key = String.valueOf(d.getDatid());
            DatabaseSample now = DatabaseSample.of(d);
            Map<String, String> labels = Map.of("database", now.datname());
            Entity<DatabaseSample> e = bucket.entities.get(key);
            if (e != null && e.seenAtMs >= atMs) {
                continue; // already has this (or a newer) sample: a replayed chunk
            }
            long series = seriesId(instance, now.statsResetMs());
            boolean sameSeries = e != null && e.series == series && !CounterDelta.wentBackwards(e.sample.counters(), now.counters());
            if (e == null) {
                e = new Entity<>(atMs, series, now);
                bucket.entities.put(key, e);
            }
            metrics.add("database.size_bytes", labels, now.sizeBytes());
            metrics.add("database.backends", labels, d.getNumbackends());
            metrics.add("database.xid_age_ratio", labels, now.frozenXidAge() / XidWraparoundRule.WRAPAROUND_XIDS);
            cursor.add("size_bytes", now.sizeBytes());
            e.dailySizes = DailySizes.record(e.dailySizes, atMs, now.sizeBytes(), 8);
            DailySizes.bytesPerDay(e.dailySizes, atMs, now.sizeBytes()).ifPresent(g -> {
                metrics.add("database.growth_bytes_per_day", labels, g);
                cursor.add("growth_bytes_per_day", g);
            });

            Subject xid = new Subject(Rule.XID_WRAPAROUND.wireName(), instanceId, now.datname(), labels);
            Decision xidDecision = XidWraparoundRule.evaluate(now.frozenXidAge(), t.get(Rule.XID_WRAPAROUND), "database " + now.datname());
            outputs.judge(e.conditions, xid.rule(), xid, xidDecision, t.get(Rule.XID_WRAPAROUND), at, snapshotId);

            if (sameSeries && cursor.hasInterval()) {
                interval(instanceId, e.sample, now, labels, cursor, metrics, t, e, at, snapshotId);
            }
            e.sample = now;
            e.series = series;
            e.seenAtMs = atMs;
            cursor.track(key, e);
        }
        databases().put(bucketKey(instanceId), bucket);
        metrics.flush();
    }

    private void interval(String instanceId, DatabaseSample was, DatabaseSample now, Map<String, String> labels, KindCursor cursor,
                          MetricBatcher metrics, RuleThresholds t, Entity<DatabaseSample> e, Instant at, String snapshotId) {
        double s = cursor.intervalSeconds();
        long commits = now.xactCommit() - was.xactCommit();
        long rollbacks = now.xactRollback() - was.xactRollback();
        long hit = now.blksHit() - was.blksHit();
        long read = now.blksRead() - was.blksRead();
        metrics.add("database.commits_per_s", labels, CounterDelta.rate(commits, s));
        metrics.add("database.rollbacks_per_s", labels, CounterDelta.rate(rollbacks, s));
        metrics.add("database.tps", labels, CounterDelta.rate(commits + rollbacks, s));
        metrics.add("database.blocks_read_per_s", labels, CounterDelta.rate(read, s));
        metrics.add("database.rows_returned_per_s", labels, CounterDelta.rate(now.tupReturned() - was.tupReturned(), s));
        metrics.add("database.rows_fetched_per_s", labels, CounterDelta.rate(now.tupFetched() - was.tupFetched(), s));
        metrics.add("database.rows_inserted_per_s", labels, CounterDelta.rate(now.tupInserted() - was.tupInserted(), s));
        metrics.add("database.rows_updated_per_s", labels, CounterDelta.rate(now.tupUpdated() - was.tupUpdated(), s));
        metrics.add("database.rows_deleted_per_s", labels, CounterDelta.rate(now.tupDeleted() - was.tupDeleted(), s));
        metrics.add("database.temp_bytes_per_s", labels, CounterDelta.rate(now.tempBytes() - was.tempBytes(), s));
        metrics.add("database.temp_files", labels, now.tempFiles() - was.tempFiles());
        metrics.add("database.deadlocks", labels, now.deadlocks() - was.deadlocks());
        metrics.add("database.conflicts", labels, now.conflicts() - was.conflicts());
        if (hit + read > 0) {
            metrics.add("database.cache_hit_ratio", labels, CacheHitRule.ratio(hit, read));
        }
        cursor.add("xacts", commits + rollbacks);
        cursor.add("blks_hit", hit);
        cursor.add("blks_read", read);
        cursor.add("interval_s", s);

        Subject cache = new Subject(Rule.CACHE_HIT_RATIO.wireName(), instanceId, now.datname(), labels);
        Decision d = CacheHitRule.evaluate(hit, read, t.get(Rule.CACHE_HIT_RATIO), "database " + now.datname());
        outputs.judge(e.conditions, cache.rule(), cache, d, t.get(Rule.CACHE_HIT_RATIO), at, snapshotId);
    }

    @Override
    protected void complete(String instanceId, KindCursor cursor, InstanceState instance, Instant at) {
        long atMs = at.toEpochMilli();
        MetricBatcher metrics = batcher(instanceId, cursor.snapshotId, cursor);
        RuleThresholds t = thresholds(instanceId);
        if (cursor.total("interval_s") > 0) {
            double s = cursor.intervalSeconds();
            metrics.add("instance.tps", Map.of(), CounterDelta.rate(cursor.total("xacts"), s));
            double blocks = cursor.total("blks_hit") + cursor.total("blks_read");
            if (blocks > 0 && blocks >= t.get(Rule.CACHE_HIT_RATIO).minEvidence()) {
                metrics.add("instance.cache_hit_ratio", Map.of(), CacheHitRule.ratio((long) cursor.total("blks_hit"), (long) cursor.total("blks_read")));
            }
        }
        Long disk = config.diskSizeBytes().get(instanceId);
        if (disk != null && cursor.total("size_bytes") > 0) {
            // the databases and the WAL that replication slots hold back share the disk: an inactive slot
            // fills it at the WAL rate even when no table grows
            ReplicationState slots = replication.get(instanceId);
            long used = (long) cursor.total("size_bytes") + (slots == null ? 0 : slots.slotRetainedBytes);
            double growthPerDay = cursor.total("growth_bytes_per_day") + (slots == null ? 0 : slots.slotRetainedGrowthPerS * SECONDS_PER_DAY);
            metrics.add("instance.disk_used_ratio", Map.of(), (double) used / disk);
            DiskGrowth.daysUntilFull(used, growthPerDay, disk)
                    .ifPresent(days -> metrics.add("instance.days_until_disk_full", Map.of(), days));
        }
        metrics.flush();
        sweep(instanceId, cursor, atMs, at);
    }

    /** Databases absent from the snapshot: quiet (no cache hit evidence) or, in a full snapshot, dropped. */
    private void sweep(String instanceId, KindCursor cursor, long atMs, Instant at) {
        if (cursor.withConditions.isEmpty() && !cursor.full) {
            return;
        }
        Bucket<DatabaseSample> bucket = databases().get(bucketKey(instanceId));
        if (bucket == null) {
            return;
        }
        boolean changed = false;
        for (Iterator<Map.Entry<String, Entity<DatabaseSample>>> it = bucket.entities.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Entity<DatabaseSample>> entry = it.next();
            Entity<DatabaseSample> e = entry.getValue();
            if (e.seenAtMs == atMs) {
                continue;
            }
            Map<String, String> labels = Map.of("database", e.sample.datname());
            String cache = Rule.CACHE_HIT_RATIO.wireName();
            if (e.conditions.containsKey(cache)) {
                outputs.clear(e.conditions, cache, new Subject(cache, instanceId, e.sample.datname(), labels), "no activity", at, cursor.snapshotId);
                changed = true;
            }
            if (cursor.full) {
                for (String rule : e.conditions.keySet().toArray(String[]::new)) {
                    outputs.clear(e.conditions, rule, new Subject(rule, instanceId, e.sample.datname(), labels), "database dropped", at, cursor.snapshotId);
                }
                it.remove();
                changed = true;
            }
            cursor.track(entry.getKey(), e);
        }
        if (cursor.full) {
            cursor.withConditions.retainAll(bucket.entities.keySet());
        }
        if (changed) {
            databases().put(bucketKey(instanceId), bucket);
        }
    }
}

package dev.pgvigil.analyzer.process;

import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.TopologyNames;
import dev.pgvigil.analyzer.state.Bucket;
import dev.pgvigil.analyzer.state.Entity;
import dev.pgvigil.analyzer.state.InstanceState;
import dev.pgvigil.analyzer.state.KindCursor;
import dev.pgvigil.analyzer.state.KindCursor.TopStatement;
import dev.pgvigil.analyzer.state.StatementSample;
import dev.pgvigil.rules.CounterDelta;
import dev.pgvigil.rules.Decision;
import dev.pgvigil.rules.Rule;
import dev.pgvigil.rules.RuleThresholds;
import dev.pgvigil.rules.StatementMeanTimeRule;
import dev.pgvigil.rules.Text;
import dev.pgvigil.rules.Threshold;
import dev.pgvigil.schema.ChunkInfo;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.StatementStat;
import dev.pgvigil.schema.StatementsChunk;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * pg_stat_statements → per-interval statement metrics (calls/s, interval mean time with a p95 estimate,
 * rows/s, time spent per second) and the mean-time rule per statement; at the end of each snapshot the
 * instance-wide calls/s and mean time, and the list of costliest statements the missing-index finding
 * names.
 */
public final class StatementStatsProcessor extends ChunkProcessor<StatementsChunk> {
    public static final String KIND = "statements";
    private static final int TOP_STATEMENTS = 25;
    static final MetricBatcher.EntityMetrics METRICS = MetricBatcher.EntityMetrics.of(
            "statement.calls_per_s", "statement.mean_time_ms", "statement.p95_time_ms", "statement.time_ms_per_s", "statement.rows_per_s");

    public StatementStatsProcessor(AnalyzerConfig config) {
        super(config, KIND, StatementsChunk::getRef, StatementsChunk::getChunk);
    }




    public static String entityKey(StatementStat s) {
        return s.getDbId() + ":" + s.getUserId() + ":" + s.getQueryId();
    }

    /** The violation subject of a statement, from its entity key (dbid:userid:queryid) and database name. */
    static Subject subject(String instanceId, String entityKey, String datname) {
        String[] k = entityKey.split(":");
        return subject(instanceId, k[0], k[1], k[2], datname);
    }

    private static Subject subject(String instanceId, StatementStat s) {
        return subject(instanceId, String.valueOf(s.getDbId()), String.valueOf(s.getUserId()), String.valueOf(s.getQueryId()), s.getDatname());
    }

    private static Subject subject(String instanceId, String dbId, String userId, String queryId, String datname) {
        String database = datname == null ? "dbid " + dbId : datname;
        return new Subject(Rule.STATEMENT_MEAN_TIME.wireName(), instanceId, "queryid " + queryId + " (" + database + ", userid " + userId + ")",
                Map.of("queryid", queryId, "database", database, "userid", userId));
    }

    @Override
    protected void newSnapshot(KindCursor cursor) {
        // older cost counts for less: halve it each snapshot, so the list follows the current workload
        cursor.top = cursor.top.stream().map(s -> new TopStatement(s.queryId(), s.query(), s.calls(), s.totalTimeMs() / 2))
                .filter(s -> s.totalTimeMs() > 0.01).collect(java.util.stream.Collectors.toList());
    }

    @Override
    protected void chunk(StatementsChunk value, KindCursor cursor, InstanceState instance, Instant at) {
        String instanceId = instance.instanceId;
        String snapshotId = value.getRef().getSnapshotId();
        Threshold t = thresholds(instanceId).get(Rule.STATEMENT_MEAN_TIME);
        BucketedEntities<StatementSample> buckets = new BucketedEntities<>(store(TopologyNames.STATEMENTS_STORE), instanceId, config.stateBuckets());
        MetricBatcher metrics = batcher(instanceId, snapshotId, cursor);
        Map<Long, TopStatement> top = new HashMap<>();
        cursor.top.forEach(s -> top.put(s.queryId(), s));
        long atMs = at.toEpochMilli();
        double seconds = cursor.intervalSeconds();
        for (StatementStat s : value.getStatements()) {
            String key = entityKey(s);
            Bucket<StatementSample> bucket = buckets.bucketOf(key);
            StatementSample now = StatementSample.of(s);
            Entity<StatementSample> e = bucket.entities.get(key);
            if (e != null && e.seenAtMs >= atMs) {
                continue;
            }
            long series = instance.statementsEpoch;
            if (e == null) {
                bucket.entities.put(key, new Entity<>(atMs, series, now));
                continue; // first sight: a baseline, not an interval
            }
            Optional<StatementMeanTimeRule.Interval> interval = e.series == series && cursor.hasInterval()
                    ? StatementMeanTimeRule.interval(e.sample.forRule(), now.forRule()) : Optional.empty();
            Subject subject = subject(instanceId, s);
            if (interval.isPresent() && interval.get().calls() > 0) {
                StatementMeanTimeRule.Interval i = interval.get();
                OptionalLong rows = CounterDelta.of(e.sample.rows(), now.rows());
                double rowsPerS = rows.isPresent() ? CounterDelta.rate(rows.getAsLong(), seconds) : Double.NaN;
                metrics.add(METRICS, subject.labels(), CounterDelta.rate(i.calls(), seconds), i.meanTimeMs(), i.p95TimeMs(),
                        CounterDelta.rate(i.totalTimeMs(), seconds), rowsPerS);
                cursor.add("calls", i.calls());
                cursor.add("time_ms", i.totalTimeMs());
                cursor.add("interval_s", seconds);
                top.merge(s.getQueryId(), new TopStatement(s.getQueryId(), s.getQuery(), i.calls(), i.totalTimeMs()),
                        (a, b) -> new TopStatement(b.queryId(), b.query(), b.calls(), a.totalTimeMs() + b.totalTimeMs()));
            }
            if (interval.isPresent()) {
                Decision d = StatementMeanTimeRule.evaluate(interval.get(), t, subject.object());
                outputs.judge(e.conditions, subject.rule(), subject, d, t, at, snapshotId);
            }
            e.sample = now;
            e.series = series;
            e.seenAtMs = atMs;
            cursor.track(key, e);
        }
        buckets.writeBack();
        cursor.top = top.values().stream().sorted(Comparator.comparingDouble(TopStatement::totalTimeMs).reversed())
                .limit(TOP_STATEMENTS)
                .map(x -> x.query() == null ? x : new TopStatement(x.queryId(), Text.abbreviate(x.query(), 1000), x.calls(), x.totalTimeMs()))
                .collect(java.util.stream.Collectors.toList());
        metrics.flush();
    }

    @Override
    protected void complete(String instanceId, KindCursor cursor, InstanceState instance, Instant at) {
        RuleThresholds t = thresholds(instanceId);
        MetricBatcher metrics = batcher(instanceId, cursor.snapshotId, cursor);
        double calls = cursor.total("calls");
        if (cursor.hasInterval()) {
            metrics.add("instance.calls_per_s", Map.of(), CounterDelta.rate(calls, cursor.intervalSeconds()));
            if (calls > 0 && calls >= t.get(Rule.STATEMENT_MEAN_TIME).minEvidence()) {
                metrics.add("instance.statement_mean_time_ms", Map.of(), cursor.total("time_ms") / calls);
            }
        }
        metrics.flush();
        if (cursor.withConditions.isEmpty() && !cursor.full) {
            return;
        }
        long atMs = at.toEpochMilli();
        BucketedEntities<StatementSample> buckets = new BucketedEntities<>(store(TopologyNames.STATEMENTS_STORE), instanceId, config.stateBuckets());
        buckets.forEachBucket((key, bucket) -> {
            for (Iterator<Map.Entry<String, Entity<StatementSample>>> it = bucket.entities.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Entity<StatementSample>> entry = it.next();
                Entity<StatementSample> e = entry.getValue();
                if (e.seenAtMs == atMs) {
                    continue;
                }
                String rule = Rule.STATEMENT_MEAN_TIME.wireName();
                if (e.conditions.containsKey(rule)) {
                    // absent from the snapshot: not called in the interval, so no longer slow
                    outputs.clear(e.conditions, rule, subject(instanceId, entry.getKey(), e.sample.datname()), "not called in the interval",
                            at, cursor.snapshotId);
                }
                cursor.withConditions.remove(entry.getKey());
                if (cursor.full) {
                    it.remove(); // evicted from pg_stat_statements (or reset): forget it
                }
            }
        });
        buckets.writeBack();
    }
}

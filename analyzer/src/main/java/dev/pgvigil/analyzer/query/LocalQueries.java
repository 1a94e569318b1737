package dev.pgvigil.analyzer.query;

import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.AnalyzerTopology;
import dev.pgvigil.analyzer.TopologyNames;
import dev.pgvigil.analyzer.baseline.BaselineCapture;
import dev.pgvigil.analyzer.process.DatabaseStatsProcessor;
import dev.pgvigil.analyzer.process.FindingsLedger;
import dev.pgvigil.analyzer.process.StatementStatsProcessor;
import dev.pgvigil.analyzer.process.TrendsProcessor;
import dev.pgvigil.analyzer.state.Bucket;
import dev.pgvigil.analyzer.state.DailySizes;
import dev.pgvigil.analyzer.state.DatabaseSample;
import dev.pgvigil.analyzer.state.Entity;
import dev.pgvigil.analyzer.state.IndexSample;
import dev.pgvigil.analyzer.state.InstanceState;
import dev.pgvigil.analyzer.state.KindCursor;
import dev.pgvigil.analyzer.state.ReplicationState;
import dev.pgvigil.analyzer.state.RollupAggregate;
import dev.pgvigil.analyzer.state.RollupBlock;
import dev.pgvigil.analyzer.state.SeriesKey;
import dev.pgvigil.analyzer.state.StatementSample;
import dev.pgvigil.analyzer.state.TableSample;
import dev.pgvigil.rules.DiskGrowth;
import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.FindingKind;
import dev.pgvigil.rules.Severity;
import dev.pgvigil.schema.AlertState;
import dev.pgvigil.schema.Baseline;
import dev.pgvigil.schema.BaselineSet;
import dev.pgvigil.schema.Baselines;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.web.DashboardData;
import dev.pgvigil.web.DashboardData.Alert;
import dev.pgvigil.web.DashboardData.AlertCounts;
import dev.pgvigil.web.DashboardData.AlertEvent;
import dev.pgvigil.web.DashboardData.AlertQuery;
import dev.pgvigil.web.DashboardData.AlertStatus;
import dev.pgvigil.web.DashboardData.BaselineComparison;
import dev.pgvigil.web.DashboardData.BaselineSummary;
import dev.pgvigil.web.DashboardData.DatabaseSize;
import dev.pgvigil.web.DashboardData.FindingEntry;
import dev.pgvigil.web.DashboardData.InstanceDetail;
import dev.pgvigil.web.DashboardData.InstanceStatus;
import dev.pgvigil.web.DashboardData.InstanceSummary;
import dev.pgvigil.web.DashboardData.ReplicationStatus;
import dev.pgvigil.web.DashboardData.Resolution;
import dev.pgvigil.web.DashboardData.Series;
import dev.pgvigil.web.DashboardData.SeriesPoint;
import dev.pgvigil.web.DashboardData.SeriesQuery;
import dev.pgvigil.web.DashboardData.TopStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Answers the dashboard's questions from this analyzer copy's own state stores (interactive queries):
 * the instances whose partitions it holds, and the global alerts store. Never forwards; that is
 * {@link AnalyzerDashboardData}'s job.
 */
final class LocalQueries {
    /** An instance whose newest envelope is older than this many intervals is stale. */
    static final int STALE_AFTER_INTERVALS = 3;
    private static final Duration LATEST_LOOKBACK = Duration.ofMinutes(10);

    private final KafkaStreams streams;
    private final AnalyzerConfig config;
    private final Clock clock;
    private final Deserializer<AlertState> alertDecoder = Serdes.alertState().deserializer();

    LocalQueries(KafkaStreams streams, AnalyzerConfig config, Clock clock) {
        this.streams = streams;
        this.config = config;
        this.clock = clock;
    }

    List<InstanceSummary> fleet() {
        Map<String, AlertCounts> firing = firingByInstance();
        ReadOnlyKeyValueStore<String, ReplicationState> replication = kv(TopologyNames.REPLICATION_STORE);
        List<InstanceSummary> out = new ArrayList<>();
        try (KeyValueIterator<String, InstanceState> it = this.<InstanceState>kv(TopologyNames.INSTANCES_STORE).all()) {
            it.forEachRemaining(kv -> out.add(summary(kv.value, firing.getOrDefault(kv.key, AlertCounts.NONE))
                    .withReplication(latest(replication, kv.key))));
        }
        return out;
    }

    Optional<InstanceDetail> instance(String instanceId) {
        InstanceState s = this.<InstanceState>kv(TopologyNames.INSTANCES_STORE).get(instanceId);
        if (s == null) {
            return Optional.empty();
        }
        InstanceSummary summary = summary(s, firingByInstance().getOrDefault(instanceId, AlertCounts.NONE))
                .withReplication(latest(kv(TopologyNames.REPLICATION_STORE), instanceId));
        return Optional.of(new InstanceDetail(summary, s.serverVersion,
                s.postmasterStartMs == null ? null : Instant.ofEpochMilli(s.postmasterStartMs), databases(instanceId)));
    }

    /** The newest replication record of the instance, as the replication processor kept it. */
    Optional<ReplicationStatus> replication(String instanceId) {
        return Optional.ofNullable(latest(kv(TopologyNames.REPLICATION_STORE), instanceId));
    }

    private static ReplicationStatus latest(ReadOnlyKeyValueStore<String, ReplicationState> store, String instanceId) {
        ReplicationState state = store.get(instanceId);
        return state == null ? null : state.latest;
    }

    private InstanceSummary summary(InstanceState s, AlertCounts firing) {
        Instant now = clock.instant();
        Duration interval = s.interval(Duration.ofSeconds(config.assumedIntervalSeconds()));
        InstanceStatus status;
        if ("FAILED".equals(s.lastStatus)) {
            status = InstanceStatus.DOWN;
        } else if (s.lastEnvelopeMs < 0 || now.toEpochMilli() - s.lastEnvelopeMs > STALE_AFTER_INTERVALS * interval.toMillis()) {
            status = InstanceStatus.STALE;
        } else {
            status = InstanceStatus.UP;
        }
        return new InstanceSummary(s.instanceId, status, s.lastSuccessMs < 0 ? null : Instant.ofEpochMilli(s.lastSuccessMs),
                latest(s, "instance.cache_hit_ratio"), latest(s, "instance.tps"),
                s.lastActivityMs < 0 ? null : s.connections, s.maxConnections > 0 ? s.maxConnections : null, firing);
    }

    /** The newest interval value of an instance-wide metric, from the 1-minute rollups near its newest envelope. */
    private Double latest(InstanceState s, String metric) {
        if (s.lastEnvelopeMs < 0) {
            return null;
        }
        String key = new SeriesKey(s.instanceId, metric).encode();
        RollupAggregate open = Optional.ofNullable(openWindow(AnalyzerTopology.ROLLUP_1M, key)).map(b -> b.series.get(SeriesKey.NO_LABELS)).orElse(null);
        if (open != null) {
            return open.last();
        }
        Instant to = Instant.ofEpochMilli(s.lastEnvelopeMs);
        try (WindowStoreIterator<RollupBlock> it = this.<RollupBlock>window(AnalyzerTopology.ROLLUP_1M.store())
                .backwardFetch(key, to.minus(LATEST_LOOKBACK), to)) {
            while (it.hasNext()) {
                RollupAggregate a = it.next().value.series.get(SeriesKey.NO_LABELS);
                if (a != null) {
                    return a.last();
                }
            }
            return null;
        }
    }

    private RollupBlock openWindow(TrendsProcessor.Window w, String seriesKey) {
        return this.<RollupBlock>kv(TopologyNames.ROLLUPS_OPEN_STORE).get(TrendsProcessor.openKey(w.name(), seriesKey));
    }

    /**
     * The windows of {@code w} still open: for minutes the open minute; for hours the open hour, and the
     * open minute too, which joins its hour only when it closes.
     */
    private List<RollupBlock> openWindows(TrendsProcessor.Window w, String seriesKey) {
        RollupBlock openMinute = openWindow(AnalyzerTopology.ROLLUP_1M, seriesKey);
        if (w == AnalyzerTopology.ROLLUP_1M) {
            return openMinute == null ? List.of() : List.of(openMinute);
        }
        List<RollupBlock> out = new ArrayList<>();
        RollupBlock openHour = openWindow(w, seriesKey);
        long minutesHour = openMinute == null ? -1 : w.startOf(openMinute.windowStartMs);
        if (openHour != null && openHour.windowStartMs != minutesHour) {
            out.add(openHour);
        }
        if (openMinute != null) {
            RollupBlock hour = new RollupBlock(minutesHour); // a copy: the stores' values are not the dashboard's to change
            if (openHour != null && openHour.windowStartMs == minutesHour) {
                hour.merge(openHour);
            }
            hour.merge(openMinute);
            out.add(hour);
        }
        return out;
    }

    private List<DatabaseSize> databases(String instanceId) {
        Bucket<DatabaseSample> bucket = this.<Bucket<DatabaseSample>>kv(TopologyNames.DATABASES_STORE)
                .get(DatabaseStatsProcessor.bucketKey(instanceId));
        if (bucket == null) {
            return List.of();
        }
        Long disk = config.diskSizeBytes().get(instanceId);
        long totalBytes = 0;
        double totalGrowth = 0;
        Map<String, Double> growth = new HashMap<>();
        for (Entity<DatabaseSample> e : bucket.entities.values()) {
            totalBytes += e.sample.sizeBytes();
            var g = DailySizes.bytesPerDay(e.dailySizes, e.seenAtMs, e.sample.sizeBytes());
            if (g.isPresent()) {
                growth.put(e.sample.datname(), g.getAsDouble());
                totalGrowth += g.getAsDouble();
            }
        }
        // the disk fills at the pace of every database together
        Double daysUntilFull = disk == null || growth.isEmpty() ? null
                : DiskGrowth.daysUntilFull(totalBytes, totalGrowth, disk).stream().boxed().findFirst().orElse(null);
        List<DatabaseSize> out = new ArrayList<>();
        for (Entity<DatabaseSample> e : bucket.entities.values()) {
            out.add(new DatabaseSize(e.sample.datname(), e.sample.sizeBytes(), growth.get(e.sample.datname()), disk, daysUntilFull));
        }
        out.sort(Comparator.comparingLong(DatabaseSize::sizeBytes).reversed());
        return out;
    }

    List<Series> series(SeriesQuery q) {
        TrendsProcessor.Window w = q.resolution() == Resolution.HOUR ? AnalyzerTopology.ROLLUP_1H : AnalyzerTopology.ROLLUP_1M;
        String key = new SeriesKey(q.instanceId(), q.metric()).encode();
        // labels key → window start → point; a window closing between the two reads is seen once
        Map<String, TreeMap<Long, SeriesPoint>> points = new TreeMap<>();
        try (WindowStoreIterator<RollupBlock> it = this.<RollupBlock>window(w.store()).fetch(key, q.from(), q.to().minusMillis(1))) {
            it.forEachRemaining(kv -> addPoints(points, kv.value, q.labels()));
        }
        for (RollupBlock open : openWindows(w, key)) {
            if (open.windowStartMs >= q.from().toEpochMilli() && open.windowStartMs < q.to().toEpochMilli()) {
                addPoints(points, open, q.labels());
            }
        }
        List<Series> out = new ArrayList<>();
        points.forEach((labelsKey, byStart) -> out.add(new Series(q.metric(), SeriesKey.labels(labelsKey), new ArrayList<>(byStart.values()))));
        return out;
    }

    private static void addPoints(Map<String, TreeMap<Long, SeriesPoint>> points, RollupBlock block, Map<String, String> wanted) {
        Instant start = Instant.ofEpochMilli(block.windowStartMs);
        block.series.forEach((labelsKey, a) -> {
            if (wanted.isEmpty() || SeriesKey.labels(labelsKey).entrySet().containsAll(wanted.entrySet())) {
                points.computeIfAbsent(labelsKey, k -> new TreeMap<>())
                        .putIfAbsent(block.windowStartMs, new SeriesPoint(start, a.count(), a.min(), a.max(), a.avg(), a.last()));
            }
        });
    }

    List<FindingEntry> findings(String instanceId) {
        String[] range = FindingsLedger.instanceRange(instanceId);
        List<FindingEntry> out = new ArrayList<>();
        try (KeyValueIterator<String, dev.pgvigil.schema.Finding> it =
                     this.<dev.pgvigil.schema.Finding>kv(TopologyNames.FINDINGS_CURRENT_STORE).range(range[0], range[1])) {
            it.forEachRemaining(kv -> {
                dev.pgvigil.schema.Finding f = kv.value;
                out.add(new FindingEntry(new Finding(FindingKind.fromWireName(f.getKind()), Severity.valueOf(f.getSeverity().name()),
                        f.getInstance(), f.getObject(), f.getDetail(), f.getRecommendation(), f.getStatements()), f.getObservedAt()));
            });
        }
        out.sort(Comparator.comparing((FindingEntry e) -> e.finding().severity()).reversed());
        return out;
    }

    List<BaselineSummary> baselines(String instanceId) {
        return named(instanceId).stream().map(b -> new BaselineSummary(b.getName(), b.getCreatedAt(), b.getMetrics())).toList();
    }

    Optional<BaselineComparison> compareBaseline(String instanceId, String name) {
        Optional<dev.pgvigil.rules.baseline.Baseline> then = named(instanceId).stream().filter(b -> b.getName().equals(name)).findFirst()
                .map(Baselines::fromAvro);
        if (then.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        dev.pgvigil.rules.baseline.Baseline current = BaselineCapture.capture(captureState(), instanceId, "now", now).orElse(null);
        if (current == null) {
            return Optional.empty();
        }
        return Optional.of(BaselineComparison.of(instanceId, dev.pgvigil.rules.baseline.BaselineComparison.compare(then.get(), current)));
    }

    private List<Baseline> named(String instanceId) {
        BaselineSet set = this.<BaselineSet>kv(TopologyNames.NAMED_BASELINES_STORE).get(instanceId);
        return set == null ? List.of() : set.getBaselines();
    }

    private BaselineCapture.State captureState() {
        return new BaselineCapture.State(kv(TopologyNames.INSTANCES_STORE), this.<KindCursor>kv(TopologyNames.CURSORS_STORE),
                this.<Bucket<DatabaseSample>>kv(TopologyNames.DATABASES_STORE), this.<Bucket<StatementSample>>kv(TopologyNames.STATEMENTS_STORE),
                this.<Bucket<TableSample>>kv(TopologyNames.TABLES_STORE), this.<Bucket<IndexSample>>kv(TopologyNames.INDEXES_STORE),
                config.stateBuckets());
    }

    /**
     * Statements by total time in the range, from the rollups of their per-interval rates: a window's
     * sum of rates times the collection interval is what ran in it.
     */
    List<TopStatement> topStatements(String instanceId, Instant from, Instant to, int limit) {
        InstanceState s = this.<InstanceState>kv(TopologyNames.INSTANCES_STORE).get(instanceId);
        if (s == null) {
            return List.of();
        }
        double intervalSeconds = s.interval(Duration.ofSeconds(config.assumedIntervalSeconds())).toMillis() / 1000.0;
        Resolution resolution = Duration.between(from, to).compareTo(Duration.ofDays(2)) <= 0 ? Resolution.MINUTE : Resolution.HOUR;
        Map<String, double[]> totals = new LinkedHashMap<>(); // queryid␀database → calls, time ms, rows
        Map<String, String[]> ids = new HashMap<>();
        String[] metrics = {"statement.calls_per_s", "statement.time_ms_per_s", "statement.rows_per_s"};
        for (int m = 0; m < metrics.length; m++) {
            for (Series series : series(new SeriesQuery(instanceId, metrics[m], Map.of(), from, to, resolution))) {
                String queryId = series.labels().get("queryid");
                String database = series.labels().get("database");
                if (queryId == null) {
                    continue;
                }
                String key = queryId + '\u0000' + database;
                ids.putIfAbsent(key, new String[] {queryId, database});
                double sum = series.points().stream().mapToDouble(p -> p.avg() * p.count()).sum();
                totals.computeIfAbsent(key, k -> new double[3])[m] += sum * intervalSeconds;
            }
        }
        Map<Long, String> texts = new HashMap<>();
        KindCursor cursor = this.<KindCursor>kv(TopologyNames.CURSORS_STORE).get(KindCursor.key(instanceId, StatementStatsProcessor.KIND));
        if (cursor != null) {
            cursor.top.forEach(t -> texts.put(t.queryId(), t.query()));
        }
        List<TopStatement> out = new ArrayList<>();
        totals.forEach((key, t) -> {
            long queryId = Long.parseLong(ids.get(key)[0]);
            long calls = Math.round(t[0]);
            out.add(new TopStatement(queryId, ids.get(key)[1], texts.get(queryId), calls, t[1], calls > 0 ? t[1] / calls : 0, null,
                    Math.round(t[2])));
        });
        out.sort(Comparator.comparingDouble(TopStatement::totalTimeMs).reversed());
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }

    /** Alerts of the alerter's state (a global store: every copy has all of them), newest change first. */
    List<Alert> alerts(AlertQuery q) {
        List<Alert> out = new ArrayList<>();
        for (AlertState a : alertStates()) {
            AlertStatus status = AlertStatus.valueOf(a.getStatus().name());
            if ((q.instanceId() != null && !q.instanceId().equals(a.getInstanceId())) || (q.status() != null && q.status() != status)) {
                continue;
            }
            Severity severity = Severity.valueOf(a.getSeverity().name());
            // the alert state keeps when it fired and when it resolved; that is the history the alerter remembers
            List<AlertEvent> history = new ArrayList<>();
            history.add(new AlertEvent(a.getStartsAt(), AlertStatus.FIRING, severity, a.getValue(), a.getMessage()));
            if (a.getEndsAt() != null) {
                history.add(new AlertEvent(a.getEndsAt(), AlertStatus.RESOLVED, severity, a.getValue(), a.getMessage()));
            }
            out.add(new Alert(a.getFingerprint(), a.getRule(), a.getInstanceId(), a.getObject(), severity, status, false, a.getValue(),
                    a.getThreshold(), a.getMessage(), a.getStartsAt(), a.getEndsAt(), history));
        }
        out.sort(Comparator.comparing((Alert a) -> a.endsAt() != null ? a.endsAt() : a.startsAt()).reversed());
        return out;
    }

    Map<String, AlertCounts> firingByInstance() {
        Map<String, int[]> counts = new HashMap<>();
        for (AlertState a : alertStates()) {
            if (a.getStatus() != dev.pgvigil.schema.AlertStatus.FIRING) {
                continue;
            }
            int[] c = counts.computeIfAbsent(a.getInstanceId(), k -> new int[3]);
            c[switch (a.getSeverity()) { case CRITICAL -> 0; case WARNING -> 1; default -> 2; }]++;
        }
        Map<String, AlertCounts> out = new HashMap<>();
        counts.forEach((id, c) -> out.put(id, new AlertCounts(c[0], c[1], c[2])));
        return out;
    }

    private List<AlertState> alertStates() {
        List<AlertState> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = this.<byte[]>kv(TopologyNames.ALERTS_STORE).all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                try {
                    out.add(alertDecoder.deserialize(null, kv.value));
                } catch (RuntimeException e) {
                    // not an alert state (a poison record on the alerter's topic): not ours to fail on
                }
            }
        }
        return out;
    }

    private <V> ReadOnlyKeyValueStore<String, V> kv(String name) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
    }

    private <V> ReadOnlyWindowStore<String, V> window(String name) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>windowStore()));
    }
}

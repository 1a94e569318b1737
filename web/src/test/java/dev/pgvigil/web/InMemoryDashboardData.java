package dev.pgvigil.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongToDoubleFunction;

/**
 * {@link DashboardData} over plain collections, for tests only. Metrics are functions of time sampled
 * every 10 s (like a collector interval) and rolled up into 1-minute or 1-hour windows on request,
 * so any range of any length can be asked for without storing it.
 */
final class InMemoryDashboardData implements DashboardData {
    static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(10);

    /** A metric of an instance with one label set: its value at each epoch second, from {@code since} on. */
    record MetricSource(String instanceId, String metric, Map<String, String> labels, Instant since, LongToDoubleFunction valueAt) {}

    private final Clock clock;
    final Map<String, InstanceDetail> instances = new ConcurrentHashMap<>();
    final List<MetricSource> metrics = new CopyOnWriteArrayList<>();
    final Map<String, List<FindingEntry>> findings = new ConcurrentHashMap<>();
    final List<Alert> alerts = new CopyOnWriteArrayList<>();
    final Map<String, List<BaselineSummary>> baselines = new ConcurrentHashMap<>();
    final Map<String, BaselineComparison> comparisons = new ConcurrentHashMap<>();
    final Map<String, List<TopStatement>> statements = new ConcurrentHashMap<>();
    final Map<String, ReplicationStatus> replication = new ConcurrentHashMap<>();
    /** What was asked, for tests that check the API passed the parameters on. */
    final List<SeriesQuery> seriesQueries = new CopyOnWriteArrayList<>();
    /** How often the whole fleet was asked for: in the analyzer that asks every copy. */
    final java.util.concurrent.atomic.AtomicInteger fleetReads = new java.util.concurrent.atomic.AtomicInteger();
    final List<String> baselineRequests = new CopyOnWriteArrayList<>();
    final List<Instant[]> statementRanges = new CopyOnWriteArrayList<>();

    InMemoryDashboardData(Clock clock) {
        this.clock = clock;
    }

    Clock clock() {
        return clock;
    }

    @Override
    public List<InstanceSummary> fleet() {
        fleetReads.incrementAndGet();
        return instances.values().stream().map(d -> d.summary().withReplication(replication.get(d.summary().id()))).toList();
    }

    /** Like the analyzer: the summary carries the role and cluster link of the newest replication record. */
    @Override
    public Optional<InstanceDetail> instance(String instanceId) {
        return Optional.ofNullable(instances.get(instanceId)).map(d -> new InstanceDetail(
                d.summary().withReplication(replication.get(instanceId)), d.serverVersion(), d.startedAt(), d.databases()));
    }

    @Override
    public Optional<ReplicationStatus> replication(String instanceId) {
        return Optional.ofNullable(replication.get(instanceId));
    }

    @Override
    public List<Series> series(SeriesQuery query) {
        seriesQueries.add(query);
        List<Series> result = new ArrayList<>();
        for (MetricSource source : metrics) {
            if (source.instanceId().equals(query.instanceId()) && source.metric().equals(query.metric())
                    && source.labels().entrySet().containsAll(query.labels().entrySet())) {
                result.add(new Series(source.metric(), source.labels(), rollup(source, query)));
            }
        }
        return result;
    }

    /** Windows of the query's resolution whose start is in [from, to), each over the samples taken in it. */
    private List<SeriesPoint> rollup(MetricSource source, SeriesQuery query) {
        long windowSeconds = query.resolution().window().toSeconds();
        long step = SAMPLE_INTERVAL.toSeconds();
        long now = clock.instant().getEpochSecond();
        long first = Math.floorDiv(query.from().getEpochSecond() + windowSeconds - 1, windowSeconds) * windowSeconds;
        List<SeriesPoint> points = new ArrayList<>();
        for (long start = first; start < query.to().getEpochSecond(); start += windowSeconds) {
            long count = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            double last = 0;
            for (long t = start; t < start + windowSeconds && t <= now; t += step) {
                if (t < source.since().getEpochSecond()) {
                    continue;
                }
                double v = source.valueAt().applyAsDouble(t);
                count++;
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
                last = v;
            }
            if (count > 0) {
                points.add(new SeriesPoint(Instant.ofEpochSecond(start), count, min, max, sum / count, last));
            }
        }
        return points;
    }

    @Override
    public List<FindingEntry> findings(String instanceId) {
        return findings.getOrDefault(instanceId, List.of());
    }

    @Override
    public List<Alert> alerts(AlertQuery query) {
        return alerts.stream()
                .filter(a -> query.instanceId() == null || a.instanceId().equals(query.instanceId()))
                .filter(a -> query.status() == null || a.status() == query.status())
                .sorted(Comparator.comparing(Alert::startsAt).reversed())
                .toList();
    }

    @Override
    public List<BaselineSummary> baselines(String instanceId) {
        return baselines.getOrDefault(instanceId, List.of());
    }

    @Override
    public Optional<BaselineComparison> compareBaseline(String instanceId, String baselineName) {
        return Optional.ofNullable(comparisons.get(instanceId + "/" + baselineName));
    }

    @Override
    public List<TopStatement> topStatements(String instanceId, Instant from, Instant to, int limit) {
        statementRanges.add(new Instant[] {from, to});
        return statements.getOrDefault(instanceId, List.of()).stream()
                .sorted(Comparator.comparingDouble(TopStatement::totalTimeMs).reversed())
                .limit(limit)
                .toList();
    }

    @Override
    public void requestBaseline(String instanceId, String name) {
        baselineRequests.add(instanceId + "/" + name);
    }
}

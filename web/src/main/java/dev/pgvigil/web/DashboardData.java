package dev.pgvigil.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the HTTP API and the dashboard read: exactly the questions the pages ask, answered with plain
 * records. The analyzer implements it over its state stores (rollups, findings, baselines) and the
 * alerter's state, forwarding a key held by another instance (interactive queries); the web module
 * knows nothing of Kafka. Every method may be called from several request threads at once.
 *
 * <p>Units are in the names (ratios are 0..1, times in ms, sizes in bytes, rates per second); a value
 * that is not known yet (no interval measured since start) is null, never 0.
 */
public interface DashboardData {

    /** Every instance the fleet knows, in no particular order (the page sorts). */
    List<InstanceSummary> fleet();

    /** One instance with its databases; empty when the id is unknown. */
    Optional<InstanceDetail> instance(String instanceId);

    /**
     * The rollups of one metric of one instance: one {@link Series} per distinct label set that
     * matches {@code query.labels()} (a subset match: {@code {database: shop}} selects every table of
     * that database), points ordered by window start, windows starting in {@code [from, to)}.
     */
    List<Series> series(SeriesQuery query);

    /** The instance's current findings (the latest of each kind and object), most severe first. */
    List<FindingEntry> findings(String instanceId);

    /** Alerts (firing, and resolved ones still remembered) with their history, newest first. */
    List<Alert> alerts(AlertQuery query);

    /** The named baselines of an instance, oldest first (at most 10 are kept). */
    List<BaselineSummary> baselines(String instanceId);

    /** Now against the named baseline; empty when the instance has no baseline of that name. */
    Optional<BaselineComparison> compareBaseline(String instanceId, String baselineName);

    /** The statements with the most total execution time in {@code [from, to)}, at most {@code limit}. */
    List<TopStatement> topStatements(String instanceId, Instant from, Instant to, int limit);

    /**
     * Asks for a named baseline of the instance now (it appears in {@link #baselines} once the analyzer
     * has taken it). The caller has checked that the instance exists and the name is valid.
     */
    void requestBaseline(String instanceId, String name);

    // ---- results ----

    /** up: snapshots arrive; stale: the last one is older than a few intervals; down: the collector cannot reach it. */
    enum InstanceStatus { UP, STALE, DOWN }

    /** Firing alerts of an instance by severity. */
    record AlertCounts(int critical, int warning, int info) {
        public static final AlertCounts NONE = new AlertCounts(0, 0, 0);

        public int total() {
            return critical + warning + info;
        }
    }

    /**
     * One row of the fleet page. {@code cacheHitRatio} and {@code transactionsPerSecond} are of the
     * last interval; {@code connections} counts every backend, {@code maxConnections} is the setting.
     */
    record InstanceSummary(String id, InstanceStatus status, Instant lastSnapshotAt, Double cacheHitRatio,
                           Double transactionsPerSecond, Integer connections, Integer maxConnections, AlertCounts firingAlerts) {
        public InstanceSummary {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(status, "status");
            firingAlerts = firingAlerts == null ? AlertCounts.NONE : firingAlerts;
        }
    }

    /** The header of the instance page. */
    record InstanceDetail(InstanceSummary summary, String serverVersion, Instant startedAt, List<DatabaseSize> databases) {
        public InstanceDetail {
            Objects.requireNonNull(summary, "summary");
            databases = databases == null ? List.of() : List.copyOf(databases);
        }
    }

    /**
     * A database's size and growth: {@code growthBytesPerDay} over recent days (null until known),
     * {@code diskSizeBytes} from the configuration (null when not configured) and the days until it
     * fills at that pace (null when not growing or no disk size).
     */
    record DatabaseSize(String name, long sizeBytes, Double growthBytesPerDay, Long diskSizeBytes, Double daysUntilFull) {}

    /** The rollup windows the analyzer keeps. */
    enum Resolution {
        MINUTE("1m", Duration.ofMinutes(1)), HOUR("1h", Duration.ofHours(1));

        private final String wireName;
        private final Duration window;

        Resolution(String wireName, Duration window) {
            this.wireName = wireName;
            this.window = window;
        }

        /** {@code 1m} or {@code 1h}, as in the Rollup records and the API. */
        public String wireName() {
            return wireName;
        }

        public Duration window() {
            return window;
        }

        public static Optional<Resolution> fromWireName(String name) {
            for (Resolution r : values()) {
                if (r.wireName.equals(name)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }
    }

    /** A metric (e.g. {@code database.cache_hit_ratio}) of an instance, labels to match, a range and a resolution. */
    record SeriesQuery(String instanceId, String metric, Map<String, String> labels, Instant from, Instant to, Resolution resolution) {
        public SeriesQuery {
            Objects.requireNonNull(instanceId, "instanceId");
            Objects.requireNonNull(metric, "metric");
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(resolution, "resolution");
        }
    }

    /** The rollups of one metric and label set. */
    record Series(String metric, Map<String, String> labels, List<SeriesPoint> points) {
        public Series {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            points = List.copyOf(points);
        }
    }

    /** One rollup window: the interval values that fell into it. */
    record SeriesPoint(Instant start, long count, double min, double max, double avg, double last) {}

    /** A finding and when it was last observed. */
    record FindingEntry(Finding finding, Instant observedAt) {}

    enum AlertStatus { FIRING, RESOLVED }

    /** Which alerts: null fields match everything. */
    record AlertQuery(String instanceId, AlertStatus status) {}

    /** An alert as the alerter holds it, with what happened to it (oldest event first). */
    record Alert(String fingerprint, String rule, String instanceId, String object, Severity severity, AlertStatus status,
                 boolean silenced, double value, double threshold, String message, Instant startsAt, Instant endsAt,
                 List<AlertEvent> history) {
        public Alert {
            history = history == null ? List.of() : List.copyOf(history);
        }
    }

    /** A change of an alert: fired, changed severity, resolved. */
    record AlertEvent(Instant at, AlertStatus status, Severity severity, double value, String message) {}

    /** A named baseline: when it was taken and its instance-level numbers (database_size_bytes, cache_hit_ratio, ...). */
    record BaselineSummary(String name, Instant createdAt, Map<String, Double> metrics) {
        public BaselineSummary {
            metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        }
    }

    /**
     * Now against a baseline: instance metrics, tables (size_bytes, rows) and statements (mean_time_ms,
     * calls). Items only in one side have the other value null.
     */
    record BaselineComparison(String instanceId, String baseline, Instant baselineCreatedAt, Instant comparedAt,
                              List<Delta> metrics, List<Delta> tables, List<Delta> statements) {
        public BaselineComparison {
            metrics = List.copyOf(metrics);
            tables = List.copyOf(tables);
            statements = List.copyOf(statements);
        }

        /** The rules' comparison (the one the command line shows too) as the API's flat deltas. */
        public static BaselineComparison of(String instanceId, dev.pgvigil.rules.baseline.BaselineComparison c) {
            List<Delta> metrics = c.metrics().stream().map(m -> Delta.of("instance", m)).toList();
            List<Delta> tables = c.tables().stream()
                    .flatMap(t -> java.util.stream.Stream.of(Delta.of(t.table(), t.sizeBytes()), Delta.of(t.table(), t.rows()))).toList();
            List<Delta> statements = c.statements().stream()
                    .flatMap(s -> java.util.stream.Stream.of(Delta.of("queryid " + s.queryId(), s.meanTimeMs()),
                            Delta.of("queryid " + s.queryId(), s.calls()))).toList();
            return new BaselineComparison(instanceId, c.baselineName(), c.baselineAt(), c.now(), metrics, tables, statements);
        }
    }

    /** One number then and now: {@code object} is "instance", a schema.table or "queryid N". */
    record Delta(String object, String metric, Double baseline, Double current) {
        static Delta of(String object, dev.pgvigil.rules.baseline.BaselineComparison.MetricChange m) {
            return new Delta(object, m.metric(), m.baseline(), m.now());
        }

        /** current / baseline - 1 (0.25 is 25 % more); null when either is missing or the baseline is 0. */
        @JsonProperty("changeRatio")
        public Double changeRatio() {
            return dev.pgvigil.rules.baseline.BaselineComparison.changeShare(baseline, current);
        }
    }

    /** A statement's totals over a range. */
    record TopStatement(long queryId, String database, String query, long calls, double totalTimeMs, double meanTimeMs,
                        Double p95TimeMs, long rows) {}
}

package dev.pgvigil.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pgvigil.rules.ArchiverRule;
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

    /**
     * The instance's replication as of its newest replication record (role, positions, the standbys
     * streaming from it, its slots, its archiver, and on a standby its WAL receiver); empty when no
     * replication record has arrived yet (the role is then unknown).
     */
    Optional<ReplicationStatus> replication(String instanceId);

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
                           Double transactionsPerSecond, Integer connections, Integer maxConnections, AlertCounts firingAlerts,
                           Role role, ReplicationLink replication, String primaryId) {
        public InstanceSummary {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(status, "status");
            firingAlerts = firingAlerts == null ? AlertCounts.NONE : firingAlerts;
            role = role == null ? Role.UNKNOWN : role;
        }

        /** Before the replication record is known: role unknown, in no group. */
        public InstanceSummary(String id, InstanceStatus status, Instant lastSnapshotAt, Double cacheHitRatio,
                               Double transactionsPerSecond, Integer connections, Integer maxConnections, AlertCounts firingAlerts) {
            this(id, status, lastSnapshotAt, cacheHitRatio, transactionsPerSecond, connections, maxConnections, firingAlerts,
                    Role.UNKNOWN, null, null);
        }

        /** With its role and cluster link from the instance's replication record (null: none yet). */
        public InstanceSummary withReplication(ReplicationStatus r) {
            return r == null ? this : new InstanceSummary(id, status, lastSnapshotAt, cacheHitRatio, transactionsPerSecond, connections,
                    maxConnections, firingAlerts, r.role(), r.link(), primaryId);
        }

        /** In the group of {@code primary} (a standby's primary as {@link FleetGrouping} found it; null: none). */
        public InstanceSummary withPrimaryId(String primary) {
            return new InstanceSummary(id, status, lastSnapshotAt, cacheHitRatio, transactionsPerSecond, connections,
                    maxConnections, firingAlerts, role, replication, primary);
        }
    }

    // ---- replication ----

    /** primary: not in recovery; standby: in recovery; unknown: no replication record yet. */
    enum Role { PRIMARY, STANDBY, UNKNOWN }

    /**
     * What ties an instance to its cluster, for grouping standbys under their primary: the cluster's
     * {@code systemIdentifier} (as text: it does not fit a JavaScript number), on a standby its WAL
     * receiver's upstream (host:port) and slot, on a primary the slots its standbys stream through.
     */
    record ReplicationLink(String systemIdentifier, String upstream, String receiverSlot, List<String> standbySlots) {
        public ReplicationLink {
            standbySlots = standbySlots == null ? List.of() : List.copyOf(standbySlots);
        }
    }

    /**
     * An instance's newest replication record as the page shows it. LSNs are byte positions; lags are
     * bytes behind and seconds (null when the server does not know). {@code receiver} only on a standby.
     */
    record ReplicationStatus(Role role, Instant observedAt, String systemIdentifier, Integer timeline, Long currentLsn, Long receiveLsn,
                             Long replayLsn, Receiver receiver, List<Standby> standbys, List<Slot> slots, Archiver archiver) {
        public ReplicationStatus {
            Objects.requireNonNull(role, "role");
            standbys = standbys == null ? List.of() : List.copyOf(standbys);
            slots = slots == null ? List.of() : List.copyOf(slots);
        }

        /** The part of it the fleet groups by. */
        public ReplicationLink link() {
            return new ReplicationLink(systemIdentifier, receiver == null ? null : receiver.upstream(),
                    receiver == null ? null : receiver.slotName(),
                    standbys.stream().map(Standby::slotName).filter(Objects::nonNull).toList());
        }
    }

    /**
     * A standby's own side: its WAL receiver ({@code status} null when it does not run), its upstream
     * (host:port), the WAL received but not replayed yet and how stale its data is ({@code replayDelaySeconds}:
     * 0 when everything received is replayed).
     */
    record Receiver(String status, String upstream, String slotName, Long unreplayedBytes, Double replayDelaySeconds,
                    Instant lastReplayAt, Boolean replayPaused) {}

    /** A row of pg_stat_replication on a primary: {@code name} is the standby's identity over time (slot, else application@address). */
    record Standby(String name, String applicationName, String clientAddr, String state, String syncState, String slotName,
                   Long replayLagBytes, Double replayLagSeconds) {}

    /**
     * A row of pg_replication_slots: the WAL it retains, and {@code walStatus} reserved/extended/unreserved/lost;
     * {@code severity} the analyzer's verdict on it (replication_slot_retention with the instance's own
     * thresholds, as of this record: null when its condition does not hold), so the page need not know them.
     */
    record Slot(String name, String type, boolean active, String walStatus, Long retainedBytes, Long safeWalSizeBytes, Severity severity) {}

    /** pg_stat_archiver; {@code failing} when the last failure is newer than the last success. */
    record Archiver(String archiveMode, long archivedCount, String lastArchivedWal, Instant lastArchivedAt, long failedCount,
                    String lastFailedWal, Instant lastFailedAt) {
        @JsonProperty("failing")
        public boolean failing() {
            return ArchiverRule.failureIsLatest(lastFailedAt, lastArchivedAt);
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

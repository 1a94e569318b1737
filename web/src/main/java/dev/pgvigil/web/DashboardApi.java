package dev.pgvigil.web;

import dev.pgvigil.common.http.HttpError;
import dev.pgvigil.common.http.Request;
import dev.pgvigil.common.http.Response;
import dev.pgvigil.common.http.Router;
import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.Severity;
import dev.pgvigil.web.DashboardData.AlertQuery;
import dev.pgvigil.web.DashboardData.AlertStatus;
import dev.pgvigil.rules.baseline.BaselineNames;
import dev.pgvigil.web.DashboardData.BaselineComparison;
import dev.pgvigil.web.DashboardData.FindingEntry;
import dev.pgvigil.web.DashboardData.InstanceDetail;
import dev.pgvigil.web.DashboardData.InstanceSummary;
import dev.pgvigil.web.DashboardData.ReplicationStatus;
import dev.pgvigil.web.DashboardData.Role;
import dev.pgvigil.web.DashboardData.Resolution;
import dev.pgvigil.web.DashboardData.Series;
import dev.pgvigil.web.DashboardData.SeriesQuery;
import dev.pgvigil.web.DashboardData.TopStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code /api} endpoints over {@link DashboardData}: parameters checked (a bad one is a 400 that
 * names it), unknown instances are 404s, results as JSON. Documented in {@code openapi.yaml}.
 */
final class DashboardApi {
    /** More points than this in one series is a mistake (a month at 1m): ask for 1h instead. */
    static final long MAX_POINTS = 10_080;
    static final Duration DEFAULT_RANGE = Duration.ofHours(1);
    /** Up to this range the default resolution is 1m, beyond it 1h. */
    static final Duration MINUTE_RESOLUTION_UP_TO = Duration.ofDays(2);
    private static final List<String> RESOLUTIONS = List.of("1m", "1h");

    private final DashboardData data;
    private final Clock clock;

    DashboardApi(DashboardData data, Clock clock) {
        this.data = data;
        this.clock = clock;
    }

    Router addTo(Router router) {
        return router
                .get("/api/fleet", this::fleet)
                .get("/api/instances/{id}", this::instance)
                .get("/api/instances/{id}/series", this::series)
                .get("/api/instances/{id}/replication", this::replication)
                .get("/api/instances/{id}/findings", this::findings)
                .get("/api/instances/{id}/statements/top", this::topStatements)
                .get("/api/instances/{id}/baselines", this::baselines)
                .post("/api/instances/{id}/baselines", this::requestBaseline)
                .get("/api/instances/{id}/baselines/{name}/compare", this::compareBaseline)
                .get("/api/alerts", this::alerts);
    }

    /** The fleet page's rows, and when they were read (the page shows it in the browser's time zone). */
    record FleetView(Instant generatedAt, List<InstanceSummary> instances) {}

    private Response fleet(Request request) {
        request.allowOnly();
        return Response.json(new FleetView(clock.instant(), FleetGrouping.group(data.fleet())));
    }

    /**
     * The instance page's header. Its summary's {@code primaryId} stays null: finding the primary asks every
     * analyzer copy for the whole fleet, which the header does not need; the replication panel has it.
     */
    private Response instance(Request request) {
        request.allowOnly();
        return Response.json(requireInstance(request));
    }

    /**
     * The replication panel: the role, the standby's primary or the primary's monitored standbys as the
     * fleet groups them ({@link FleetGrouping}), and the newest replication record ({@code latest}, null
     * until one arrived). Lag over time is in the series ({@code replication.*}).
     */
    record ReplicationView(String instanceId, Role role, String primaryId, List<String> standbyIds, ReplicationStatus latest) {}

    private Response replication(Request request) {
        request.allowOnly();
        String id = requireInstance(request).summary().id();
        ReplicationStatus latest = data.replication(id).orElse(null);
        List<InstanceSummary> fleet = FleetGrouping.group(data.fleet());
        String primary = fleet.stream().filter(s -> s.id().equals(id)).map(InstanceSummary::primaryId).filter(Objects::nonNull)
                .findFirst().orElse(null);
        List<String> standbys = fleet.stream().filter(s -> id.equals(s.primaryId())).map(InstanceSummary::id).sorted().toList();
        return Response.json(new ReplicationView(id, latest == null ? Role.UNKNOWN : latest.role(), primary, standbys, latest));
    }

    /** A series answer repeats the question, so a script can tell what it got. */
    record SeriesView(String instanceId, String metric, Map<String, String> labels, String resolution, Instant from, Instant to,
                      List<Series> series) {}

    private Response series(Request request) {
        request.allowOnly("metric", "from", "to", "resolution", "database", "table", "queryid", "top");
        String id = requireInstance(request).summary().id();
        String metric = request.requiredQuery("metric");
        if (!metric.matches("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)+")) {
            throw HttpError.badParameter("metric", "expected a metric name such as database.cache_hit_ratio, not '" + metric + "'");
        }
        Range range = range(request);
        String resolutionName = request.choiceQuery("resolution", RESOLUTIONS, null);
        Resolution resolution = resolutionName != null ? Resolution.fromWireName(resolutionName).orElseThrow()
                : range.length().compareTo(MINUTE_RESOLUTION_UP_TO) <= 0 ? Resolution.MINUTE : Resolution.HOUR;
        long points = range.length().dividedBy(resolution.window());
        if (points > MAX_POINTS) {
            throw HttpError.badParameter("resolution", "a range of " + range.length().toHours() + " h at " + resolution.wireName()
                    + " is " + points + " points, more than " + MAX_POINTS + ": use resolution=1h or a shorter range");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        request.query("database").ifPresent(v -> labels.put("database", v));
        request.query("table").ifPresent(v -> labels.put("table", v));
        request.query("queryid", DashboardApi::queryId).ifPresent(v -> labels.put("queryid", Long.toString(v)));
        List<Series> series = data.series(new SeriesQuery(id, metric, labels, range.from(), range.to(), resolution));
        if (request.query("top").isPresent()) {
            series = SeriesRanking.top(series, request.intQuery("top", 5, 1, 50));
        }
        return Response.json(new SeriesView(id, metric, labels, resolution.wireName(), range.from(), range.to(), series));
    }

    /** A finding as the page shows it: flat, with the statements of the recommendation (the finding's own list) for copy buttons. */
    record FindingView(String kind, Severity severity, String object, String detail, String recommendation, List<String> sql,
                       Instant observedAt) {
        static FindingView of(FindingEntry entry) {
            Finding f = entry.finding();
            return new FindingView(f.kind().wireName(), f.severity(), f.object(), f.detail(), f.recommendation(),
                    f.statements(), entry.observedAt());
        }
    }

    private Response findings(Request request) {
        request.allowOnly();
        String id = requireInstance(request).summary().id();
        return Response.json(data.findings(id).stream()
                .sorted(Comparator.comparing((FindingEntry e) -> e.finding().severity()).reversed())
                .map(FindingView::of)
                .toList());
    }

    private Response topStatements(Request request) {
        request.allowOnly("from", "to", "limit");
        String id = requireInstance(request).summary().id();
        Range range = range(request);
        int limit = request.intQuery("limit", 10, 1, 100);
        List<TopStatement> top = data.topStatements(id, range.from(), range.to(), limit);
        return Response.json(top.size() > limit ? top.subList(0, limit) : top);
    }

    private Response baselines(Request request) {
        request.allowOnly();
        return Response.json(data.baselines(requireInstance(request).summary().id()));
    }

    private Response compareBaseline(Request request) {
        request.allowOnly();
        String id = requireInstance(request).summary().id();
        String name = request.pathParam("name");
        BaselineComparison comparison = data.compareBaseline(id, name)
                .orElseThrow(() -> HttpError.notFound("instance '" + id + "' has no baseline named '" + name + "'"));
        return Response.json(comparison);
    }

    /** The body of POST .../baselines. */
    record BaselineRequest(String name) {}

    /** The answer: the baseline is taken by the analyzer and shows up in the list shortly. */
    record BaselineRequested(String instanceId, String name, Instant requestedAt) {}

    private Response requestBaseline(Request request) {
        request.allowOnly();
        String id = requireInstance(request).summary().id();
        String name = request.bodyJson(BaselineRequest.class).name();
        if (name == null || name.isBlank()) {
            throw HttpError.badParameter("name", "is required (e.g. {\"name\": \"before-upgrade\"})");
        }
        if (!BaselineNames.isValid(name)) {
            throw HttpError.badParameter("name", "use " + BaselineNames.RULE);
        }
        data.requestBaseline(id, name);
        return Response.json(202, new BaselineRequested(id, name, clock.instant()));
    }

    private Response alerts(Request request) {
        request.allowOnly("instance", "state");
        String instance = request.query("instance").orElse(null);
        String state = request.choiceQuery("state", List.of("firing", "resolved"), null);
        AlertStatus status = state == null ? null : AlertStatus.valueOf(state.toUpperCase(Locale.ROOT));
        return Response.json(data.alerts(new AlertQuery(instance, status)));
    }

    private InstanceDetail requireInstance(Request request) {
        String id = request.pathParam("id");
        return data.instance(id).orElseThrow(() -> HttpError.notFound("no instance '" + id + "'"));
    }

    record Range(Instant from, Instant to) {
        Duration length() {
            return Duration.between(from, to);
        }
    }

    /** {@code from}/{@code to}: both optional (the last hour up to now); from must be before to. */
    private Range range(Request request) {
        Instant to = request.instantQuery("to").orElseGet(clock::instant);
        Instant from = request.instantQuery("from").orElse(to.minus(DEFAULT_RANGE));
        if (!from.isBefore(to)) {
            throw HttpError.badParameter("from", "must be before 'to' (" + to + "), not " + from);
        }
        return new Range(from, to);
    }

    private static long queryId(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a pg_stat_statements queryid (a 64-bit integer), not '" + value + "'");
        }
    }
}

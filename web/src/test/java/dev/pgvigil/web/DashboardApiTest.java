package dev.pgvigil.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pgvigil.common.http.HealthChecks;
import dev.pgvigil.common.http.HttpSettings;
import dev.pgvigil.common.http.Router;
import dev.pgvigil.common.metrics.ServiceMeters;
import dev.pgvigil.web.DashboardData.Resolution;
import dev.pgvigil.web.DashboardData.Series;
import dev.pgvigil.web.DashboardData.SeriesQuery;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint of the API on the real server (random port), over a generated fleet at a fixed time. */
class DashboardApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final Instant NOW = Instant.parse("2025-03-10T12:00:30Z");
    private static final String TOKEN = "api-test-token";
    private static final String ID = FleetGenerator.id(0);

    @TempDir
    static Path dir;

    private static InMemoryDashboardData data;
    private static ServiceMeters meters;
    private static WebServer server;

    @BeforeAll
    static void start() throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        data = FleetGenerator.generate(3, clock, 1);
        meters = new ServiceMeters("web-api-test");
        HealthChecks health = new HealthChecks().register("analyzer", () -> HealthChecks.Check.up("RUNNING"));
        server = new WebServer(HttpSettings.loopback(0).withTokenFile(tokenFile), data, meters.registry(), health, clock).start();
    }

    @AfterAll
    static void stop() {
        server.close();
        meters.close();
    }

    private static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(server.baseUri().resolve(pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode getJson(String pathAndQuery) throws Exception {
        HttpResponse<String> response = get(pathAndQuery);
        assertThat(response.statusCode()).as(pathAndQuery + ": " + response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.baseUri().resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertBadParameter(String pathAndQuery, String parameter, String problem) throws Exception {
        HttpResponse<String> response = get(pathAndQuery);
        assertThat(response.statusCode()).as(pathAndQuery).isEqualTo(400);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("parameter").asText()).isEqualTo(parameter);
        assertThat(body.get("message").asText()).contains("'" + parameter + "'").contains(problem);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void listensOnLoopbackByDefault() {
        assertThat(HttpSettings.defaults().bindAddress()).isEqualTo("127.0.0.1");
        assertThat(server.baseUri().getHost()).isEqualTo("127.0.0.1");
        assertThat(server.port()).isPositive();
    }

    @Test
    void fleetListsEveryInstanceWithItsHeadlineNumbers() throws Exception {
        JsonNode fleet = getJson("/api/fleet");
        assertThat(fleet.get("generatedAt").asText()).isEqualTo("2025-03-10T12:00:30Z");
        Set<String> ids = new HashSet<>();
        for (JsonNode instance : fleet.get("instances")) {
            ids.add(instance.get("id").asText());
            DashboardData.InstanceSummary expected = data.instance(instance.get("id").asText()).orElseThrow().summary();
            assertThat(instance.get("status").asText()).isEqualTo(expected.status().name());
            assertThat(instance.get("lastSnapshotAt").asText()).isEqualTo(expected.lastSnapshotAt().toString());
            assertThat(instance.get("maxConnections").asInt()).isEqualTo(expected.maxConnections());
            assertThat(instance.at("/firingAlerts/critical").asInt()).isEqualTo(expected.firingAlerts().critical());
            assertThat(instance.at("/firingAlerts/warning").asInt()).isEqualTo(expected.firingAlerts().warning());
        }
        assertThat(ids).containsExactlyInAnyOrder(FleetGenerator.id(0), FleetGenerator.id(1), FleetGenerator.id(2));
        assertBadParameter("/api/fleet?limit=3", "limit", "this endpoint takes none");
    }

    @Test
    void fleetShowsRolesAndGroupsStandbysUnderTheirPrimary() throws Exception {
        Map<String, JsonNode> byId = new java.util.HashMap<>();
        getJson("/api/fleet").get("instances").forEach(i -> byId.put(i.get("id").asText(), i));
        JsonNode primary = byId.get(FleetGenerator.id(0));
        assertThat(primary.get("role").asText()).isEqualTo("PRIMARY");
        assertThat(primary.get("primaryId").isNull()).isTrue();
        assertThat(primary.at("/replication/systemIdentifier").asText()).as("as text: above 2^53")
                .isEqualTo(FleetGenerator.systemIdentifier(0));
        assertThat(primary.at("/replication/standbySlots/0").asText()).isEqualTo(FleetGenerator.slotOf(1));

        JsonNode standby = byId.get(FleetGenerator.id(1));
        assertThat(standby.get("role").asText()).isEqualTo("STANDBY");
        assertThat(standby.get("primaryId").asText()).as("same system identifier").isEqualTo(FleetGenerator.id(0));
        assertThat(standby.at("/replication/upstream").asText()).isEqualTo(FleetGenerator.id(0) + ".db.internal:5432");

        JsonNode orphan = byId.get(FleetGenerator.id(2));
        assertThat(orphan.get("role").asText()).as("its primary is not monitored: listed on its own").isEqualTo("STANDBY");
        assertThat(orphan.get("primaryId").isNull()).isTrue();
        // the instance page's header does not read the whole fleet for it: the replication panel has it
        int fleetReads = data.fleetReads.get();
        JsonNode header = getJson("/api/instances/" + FleetGenerator.id(1));
        assertThat(data.fleetReads.get()).as("no fleet fan-out for one instance").isEqualTo(fleetReads);
        assertThat(header.at("/summary/role").asText()).isEqualTo("STANDBY");
        assertThat(header.at("/summary/primaryId").isNull()).isTrue();
        assertThat(getJson("/api/instances/" + FleetGenerator.id(1) + "/replication").get("primaryId").asText()).isEqualTo(FleetGenerator.id(0));
    }

    @Test
    void replicationPanelOfAPrimaryAndOfAStandby() throws Exception {
        JsonNode primary = getJson("/api/instances/" + ID + "/replication");
        assertThat(primary.get("role").asText()).isEqualTo("PRIMARY");
        assertThat(primary.get("standbyIds")).containsExactly(JSON.getNodeFactory().textNode(FleetGenerator.id(1)));
        JsonNode latest = primary.get("latest");
        assertThat(latest.get("systemIdentifier").asText()).isEqualTo(FleetGenerator.systemIdentifier(0));
        assertThat(latest.at("/standbys/0/name").asText()).isEqualTo(FleetGenerator.slotOf(1));
        assertThat(latest.at("/standbys/0/replayLagBytes").asLong()).isPositive();
        assertThat(latest.at("/standbys/0/syncState").asText()).isEqualTo("async");
        JsonNode old = latest.get("slots").get(1);
        assertThat(old.get("name").asText()).isEqualTo("old_replica");
        assertThat(old.get("active").asBoolean()).isFalse();
        assertThat(old.get("walStatus").asText()).isEqualTo("extended");
        assertThat(old.get("retainedBytes").asLong()).isEqualTo(3 * FleetGenerator.GB + FleetGenerator.GB / 2);
        assertThat(old.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(latest.at("/slots/0/severity").isNull()).isTrue();
        assertThat(latest.at("/archiver/archivedCount").asLong()).isEqualTo(48_211);
        assertThat(latest.at("/archiver/failing").asBoolean()).isFalse();
        assertThat(latest.get("receiver").isNull()).isTrue();

        JsonNode standby = getJson("/api/instances/" + FleetGenerator.id(1) + "/replication");
        assertThat(standby.get("role").asText()).isEqualTo("STANDBY");
        assertThat(standby.get("primaryId").asText()).isEqualTo(ID);
        assertThat(standby.at("/latest/receiver/status").asText()).isEqualTo("streaming");
        assertThat(standby.at("/latest/receiver/upstream").asText()).isEqualTo(ID + ".db.internal:5432");
        assertThat(standby.at("/latest/receiver/unreplayedBytes").asLong()).isEqualTo(1_048_576);
        assertThat(standby.at("/latest/standbys")).isEmpty();

        JsonNode orphan = getJson("/api/instances/" + FleetGenerator.id(2) + "/replication");
        assertThat(orphan.get("primaryId").isNull()).isTrue();
        assertThat(orphan.at("/latest/receiver/upstream").asText()).isEqualTo("10.9.9.9:5432");

        // lag over time per standby, from the series the analyzer rolls up
        JsonNode lag = getJson("/api/instances/" + ID + "/series?metric=replication.replay_lag_bytes");
        assertThat(lag.at("/series/0/labels/standby").asText()).isEqualTo(FleetGenerator.slotOf(1));
        assertThat(lag.at("/series/0/points")).hasSize(60);

        assertThat(get("/api/instances/nope/replication").statusCode()).isEqualTo(404);
        assertBadParameter("/api/instances/" + ID + "/replication?standby=x", "standby", "this endpoint takes none");
    }

    @Test
    void roleUnknownUntilAReplicationRecordArrives() throws Exception {
        String id = FleetGenerator.id(0);
        DashboardData.ReplicationStatus kept = data.replication.remove(id);
        try {
            JsonNode panel = getJson("/api/instances/" + id + "/replication");
            assertThat(panel.get("role").asText()).isEqualTo("UNKNOWN");
            assertThat(panel.get("latest").isNull()).isTrue();
            JsonNode standby = getJson("/api/instances/" + FleetGenerator.id(1) + "/replication");
            assertThat(standby.get("primaryId").isNull()).as("no known primary with its identifier: on its own").isTrue();
            assertThat(standby.get("role").asText()).isEqualTo("STANDBY");
        } finally {
            data.replication.put(id, kept);
        }
    }

    @Test
    void instanceDetailOr404() throws Exception {
        JsonNode instance = getJson("/api/instances/" + ID);
        assertThat(instance.at("/summary/id").asText()).isEqualTo(ID);
        assertThat(instance.get("databases")).hasSize(2);
        JsonNode shop = instance.get("databases").get(0);
        assertThat(shop.get("name").asText()).isEqualTo("shop");
        assertThat(shop.get("sizeBytes").asLong()).isPositive();
        assertThat(shop.get("daysUntilFull").asDouble()).isPositive();

        HttpResponse<String> missing = get("/api/instances/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).get("message").asText()).isEqualTo("no instance 'nope'");
        assertThat(get("/api/instances/nope/series?metric=database.size_bytes").statusCode()).isEqualTo(404);
        assertThat(get("/api/instances/nope/findings").statusCode()).isEqualTo(404);
        assertThat(get("/api/instances/nope/statements/top").statusCode()).isEqualTo(404);
        assertThat(get("/api/instances/nope/baselines").statusCode()).isEqualTo(404);
    }

    @Test
    void seriesDefaultToTheLastHourAtOneMinute() throws Exception {
        JsonNode answer = getJson("/api/instances/" + ID + "/series?metric=database.tps");
        assertThat(answer.get("resolution").asText()).isEqualTo("1m");
        assertThat(answer.get("from").asText()).isEqualTo("2025-03-10T11:00:30Z");
        assertThat(answer.get("to").asText()).isEqualTo("2025-03-10T12:00:30Z");
        assertThat(answer.get("series")).hasSize(2);
        JsonNode shop = seriesWithLabel(answer, "database", "shop");
        JsonNode points = shop.get("points");
        assertThat(points).hasSize(60);
        assertThat(points.get(0).get("start").asText()).isEqualTo("2025-03-10T11:01:00Z");
        assertThat(points.get(0).get("count").asInt()).as("six 10-second samples in a minute").isEqualTo(6);
        assertThat(points.get(59).get("start").asText()).isEqualTo("2025-03-10T12:00:00Z");
        for (JsonNode p : points) {
            assertThat(p.get("min").asDouble()).isLessThanOrEqualTo(p.get("avg").asDouble());
            assertThat(p.get("avg").asDouble()).isLessThanOrEqualTo(p.get("max").asDouble());
        }
        SeriesQuery asked = lastQuery();
        assertThat(asked).isEqualTo(new SeriesQuery(ID, "database.tps", Map.of(),
                Instant.parse("2025-03-10T11:00:30Z"), NOW, Resolution.MINUTE));
    }

    @Test
    void seriesOverAWeekAtOneHourWithLabelFilters() throws Exception {
        String from = "2025-03-03T12:00:00Z";
        JsonNode week = getJson("/api/instances/" + ID + "/series?metric=database.cache_hit_ratio&database=analytics&from=" + from);
        assertThat(week.get("resolution").asText()).as("default for a week").isEqualTo("1h");
        assertThat(week.get("labels")).isEqualTo(JSON.readTree("{\"database\":\"analytics\"}"));
        assertThat(week.get("series")).hasSize(1);
        JsonNode points = week.get("series").get(0).get("points");
        assertThat(points.size()).isEqualTo(169);
        assertThat(points.get(0).get("count").asInt()).as("360 samples in an hour").isEqualTo(360);
        assertThat(points.get(168).get("count").asInt()).as("the current hour so far").isEqualTo(4);
        assertThat(lastQuery().labels()).isEqualTo(Map.of("database", "analytics"));

        long queryId = data.statements.get(ID).get(2).queryId();
        JsonNode one = getJson("/api/instances/" + ID + "/series?metric=statement.mean_time_ms&queryid=" + queryId + "&resolution=1h"
                + "&from=" + encode("2025-03-10T13:00:00+02:00") + "&to=" + NOW.toEpochMilli());
        assertThat(one.get("series")).hasSize(1);
        assertThat(one.at("/series/0/labels/queryid").asText()).isEqualTo(Long.toString(queryId));
        assertThat(one.get("from").asText()).isEqualTo("2025-03-10T11:00:00Z");
        assertThat(one.at("/series/0/points")).hasSize(2);

        JsonNode table = getJson("/api/instances/" + ID + "/series?metric=table.dead_rows&table=log");
        assertThat(table.get("series")).hasSize(1);
        assertThat(table.at("/series/0/labels/table").asText()).isEqualTo("log");
        assertThat(table.at("/series/0/labels/schema").asText()).isEqualTo("audit");

        assertThat(getJson("/api/instances/" + ID + "/series?metric=no.such_metric").get("series")).isEmpty();
    }

    @Test
    void topSeriesAreThoseWithTheHighestPeak() throws Exception {
        List<Series> all = data.series(new SeriesQuery(ID, "table.dead_rows", Map.of(), NOW.minus(Duration.ofHours(1)), NOW, Resolution.MINUTE));
        List<String> expected = all.stream()
                .sorted(Comparator.comparingDouble((Series s) -> s.points().stream().mapToDouble(DashboardData.SeriesPoint::avg).max().orElseThrow())
                        .reversed())
                .limit(3).map(s -> s.labels().get("schema") + "." + s.labels().get("table")).toList();
        JsonNode top = getJson("/api/instances/" + ID + "/series?metric=table.dead_rows&top=3");
        List<String> tables = new ArrayList<>();
        top.get("series").forEach(s -> tables.add(s.at("/labels/schema").asText() + "." + s.at("/labels/table").asText()));
        assertThat(all).hasSizeGreaterThan(3);
        assertThat(tables).containsExactlyElementsOf(expected);
    }

    @Test
    void badSeriesParametersAreNamed() throws Exception {
        String base = "/api/instances/" + ID + "/series?";
        assertBadParameter(base, "metric", "is required");
        assertBadParameter(base + "metric=DROP%20TABLE", "metric", "expected a metric name");
        assertBadParameter(base + "metric=database.size_bytes&from=2025-03-10T13:00:00Z&to=2025-03-10T12:00:00Z", "from", "must be before 'to'");
        assertBadParameter(base + "metric=database.size_bytes&from=yesterday", "from", "ISO-8601");
        assertBadParameter(base + "metric=database.size_bytes&to=2025-13-01T00:00:00Z", "to", "ISO-8601");
        assertBadParameter(base + "metric=database.size_bytes&resolution=5m", "resolution", "must be one of 1m, 1h");
        assertBadParameter(base + "metric=database.size_bytes&resolution=1m&from=2025-01-01T00:00:00Z", "resolution", "use resolution=1h");
        assertBadParameter(base + "metric=statement.mean_time_ms&queryid=abc", "queryid", "64-bit integer");
        assertBadParameter(base + "metric=database.size_bytes&top=0", "top", "between 1 and 50");
        assertBadParameter(base + "metric=database.size_bytes&databse=shop", "databse", "unknown parameter");
    }

    @Test
    void findingsMostSevereFirstWithTheirSql() throws Exception {
        JsonNode findings = getJson("/api/instances/" + ID + "/findings");
        assertThat(findings).hasSize(3);
        assertThat(findings.get(0).get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(findings.get(0).get("kind").asText()).isEqualTo("vacuum_overdue");
        assertThat(findings.get(0).get("sql")).extracting(JsonNode::asText).containsExactly(
                "VACUUM (ANALYZE) public.events;", "ALTER TABLE public.events SET (autovacuum_vacuum_scale_factor = 0.05);");
        assertThat(findings.get(1).get("sql")).extracting(JsonNode::asText).as("the finding's own statements, not SQL read out of its prose")
                .containsExactly("CREATE INDEX CONCURRENTLY ON public.orders (created_at);");
        assertThat(findings.get(2).get("severity").asText()).isEqualTo("INFO");
        assertThat(findings.get(2).get("sql")).extracting(JsonNode::asText).containsExactly("DROP INDEX CONCURRENTLY public.orders_status_idx;");
        assertThat(findings.get(0).get("observedAt").asText()).isEqualTo("2025-03-10T12:00:00Z");
    }

    @Test
    void alertsFilteredByInstanceAndState() throws Exception {
        JsonNode all = getJson("/api/alerts");
        assertThat(all.size()).isEqualTo(data.alerts.size());
        JsonNode mine = getJson("/api/alerts?instance=" + ID);
        assertThat(mine).isNotEmpty().allSatisfy(a -> assertThat(a.get("instanceId").asText()).isEqualTo(ID));
        JsonNode resolved = getJson("/api/alerts?instance=" + ID + "&state=resolved");
        assertThat(resolved).isNotEmpty().allSatisfy(a -> {
            assertThat(a.get("status").asText()).isEqualTo("RESOLVED");
            assertThat(a.get("endsAt").asText()).endsWith("Z");
            assertThat(a.get("history")).hasSize(2);
        });
        JsonNode firing = getJson("/api/alerts?state=firing");
        assertThat(firing).allSatisfy(a -> assertThat(a.get("status").asText()).isEqualTo("FIRING"));
        assertThat(firing.size() + getJson("/api/alerts?state=resolved").size()).isEqualTo(all.size());
        Iterator<JsonNode> it = all.iterator();
        Instant previous = Instant.MAX;
        while (it.hasNext()) {
            Instant startsAt = Instant.parse(it.next().get("startsAt").asText());
            assertThat(startsAt).as("newest first").isBeforeOrEqualTo(previous);
            previous = startsAt;
        }
        assertBadParameter("/api/alerts?state=open", "state", "must be one of firing, resolved");
    }

    @Test
    void baselinesAndComparison() throws Exception {
        JsonNode baselines = getJson("/api/instances/" + ID + "/baselines");
        assertThat(baselines).extracting(b -> b.get("name").asText()).containsExactly("before-upgrade", "weekly");
        assertThat(baselines.get(0).at("/metrics/cache_hit_ratio").asDouble()).isEqualTo(0.99);

        JsonNode comparison = getJson("/api/instances/" + ID + "/baselines/weekly/compare");
        assertThat(comparison.get("baseline").asText()).isEqualTo("weekly");
        assertThat(comparison.get("comparedAt").asText()).isEqualTo(NOW.toString());
        JsonNode connections = comparison.get("metrics").get(2);
        assertThat(connections.get("metric").asText()).isEqualTo("connections");
        assertThat(connections.get("changeRatio").asDouble()).isEqualTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
        JsonNode added = comparison.get("tables").get(2);
        assertThat(added.get("baseline").isNull()).isTrue();
        assertThat(added.get("changeRatio").isNull()).isTrue();

        HttpResponse<String> missing = get("/api/instances/" + ID + "/baselines/nope/compare");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).get("message").asText()).contains("no baseline named 'nope'");
    }

    @Test
    void takingABaselineNeedsTheToken() throws Exception {
        String path = "/api/instances/" + ID + "/baselines";
        HttpResponse<String> none = post(path, "{\"name\":\"before-upgrade-2\"}", "Content-Type", "application/json");
        assertThat(none.statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = post(path, "{\"name\":\"before-upgrade-2\"}", "Content-Type", "application/json",
                "Authorization", "Bearer " + TOKEN + "x");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(data.baselineRequests).isEmpty();

        String auth = "Bearer " + TOKEN;
        HttpResponse<String> ok = post(path, "{\"name\":\"before-upgrade-2\"}", "Content-Type", "application/json", "Authorization", auth);
        assertThat(ok.statusCode()).isEqualTo(202);
        JsonNode body = JSON.readTree(ok.body());
        assertThat(body.get("name").asText()).isEqualTo("before-upgrade-2");
        assertThat(body.get("requestedAt").asText()).isEqualTo(NOW.toString());
        assertThat(data.baselineRequests).containsExactly(ID + "/before-upgrade-2");

        HttpResponse<String> badName = post(path, "{\"name\":\"../etc\"}", "Content-Type", "application/json", "Authorization", auth);
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badName.body()).get("parameter").asText()).isEqualTo("name");
        HttpResponse<String> noName = post(path, "{}", "Content-Type", "application/json", "Authorization", auth);
        assertThat(noName.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noName.body()).get("message").asText()).contains("'name': is required");
        HttpResponse<String> extra = post(path, "{\"name\":\"a\",\"color\":\"red\"}", "Content-Type", "application/json", "Authorization", auth);
        assertThat(extra.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(extra.body()).get("message").asText()).isEqualTo("request body: unknown field 'color' (known: name)");
        assertThat(post("/api/instances/nope/baselines", "{\"name\":\"a\"}", "Content-Type", "application/json", "Authorization", auth)
                .statusCode()).isEqualTo(404);
        assertThat(data.baselineRequests).hasSize(1);
    }

    @Test
    void topStatementsOverARange() throws Exception {
        JsonNode top = getJson("/api/instances/" + ID + "/statements/top?limit=3&from=2025-03-10T10:00:00Z&to=2025-03-10T12:00:00Z");
        assertThat(top).hasSize(3);
        assertThat(top.get(0).get("totalTimeMs").asDouble()).isGreaterThanOrEqualTo(top.get(1).get("totalTimeMs").asDouble());
        assertThat(top.get(0).get("query").asText()).isNotBlank();
        Instant[] range = data.statementRanges.get(data.statementRanges.size() - 1);
        assertThat(range).containsExactly(Instant.parse("2025-03-10T10:00:00Z"), Instant.parse("2025-03-10T12:00:00Z"));
        assertThat(getJson("/api/instances/" + ID + "/statements/top")).hasSize(8);
        assertBadParameter("/api/instances/" + ID + "/statements/top?limit=0", "limit", "between 1 and 100");
        assertBadParameter("/api/instances/" + ID + "/statements/top?limit=many", "limit", "whole number");
        assertBadParameter("/api/instances/" + ID + "/statements/top?from=2025-03-10T12:00:30Z", "from", "must be before 'to'");
    }

    @Test
    void openApiDocumentsEveryRouteAndNothingElse() throws Exception {
        HttpResponse<String> response = get("/api/openapi.yaml");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/yaml; charset=utf-8");
        JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(response.body());
        assertThat(spec.get("openapi").asText()).startsWith("3.");
        Set<String> documented = new HashSet<>();
        spec.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> documented.add(method.toUpperCase() + " " + path.getKey())));
        Set<String> routed = new HashSet<>();
        Router router = WebServer.routes(data, meters.registry(), new HealthChecks(), Clock.systemUTC());
        for (Router.Route route : router.routes()) {
            routed.add(route.method() + " " + route.pattern());
        }
        assertThat(documented).isEqualTo(routed);
    }

    @Test
    void healthMetricsAndTheDashboardItself() throws Exception {
        JsonNode health = getJson("/health");
        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.at("/checks/analyzer/detail").asText()).isEqualTo("RUNNING");

        getJson("/api/fleet");
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
        assertThat(metrics.body()).containsPattern(
                "pgvigil_http_requests_seconds_count\\{method=\"GET\",route=\"/api/fleet\",service=\"web-api-test\",status=\"200\"} [1-9]");

        HttpResponse<String> index = get("/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("<title>Fleet · pgvigil</title>");
        HttpResponse<String> uplot = get("/vendor/uplot/uPlot.iife.min.js");
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(uplot.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(uplot.headers().firstValue("Cache-Control")).hasValue("public, max-age=86400");
        for (String file : List.of("/instance.html", "/app.css", "/js/common.js", "/js/charts.js", "/js/fleet.js", "/js/instance.js",
                "/favicon.svg", "/vendor/uplot/uPlot.min.css")) {
            assertThat(get(file).statusCode()).as(file).isEqualTo(200);
        }
        assertThat(get("/openapi.yaml").statusCode()).as("only under /api").isEqualTo(404);
    }

    private static SeriesQuery lastQuery() {
        return data.seriesQueries.get(data.seriesQueries.size() - 1);
    }

    private static JsonNode seriesWithLabel(JsonNode answer, String label, String value) {
        for (JsonNode s : answer.get("series")) {
            if (value.equals(s.at("/labels/" + label).asText())) {
                return s;
            }
        }
        throw new AssertionError("no series with " + label + "=" + value + " in " + answer);
    }
}

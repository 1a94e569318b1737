package dev.pgvigil.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgvigil.common.http.HealthChecks;
import dev.pgvigil.common.http.HttpSettings;
import dev.pgvigil.common.metrics.ServiceMeters;
import dev.pgvigil.web.DashboardData.InstanceSummary;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in headless Chromium against the real server: the fleet page with 500, 1 and 0
 * instances, the instance page's charts, copy buttons and range switch, live refresh, and never an
 * error in the console. Screenshots go to {@code target/screenshots/}.
 */
class DashboardBrowserTest {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final int WIDTH = 1440;

    private static HeadlessChromium chromium;
    private static ServiceMeters meters;
    private static InMemoryDashboardData bigFleet;
    private static WebServer big;
    private static WebServer single;
    private static WebServer empty;

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> binary = HeadlessChromium.find();
        Assumptions.assumeTrue(binary.isPresent(), "chromium is not installed (bin/setup-debian test installs it)");
        meters = new ServiceMeters("web-test");
        bigFleet = FleetGenerator.generate(500, Clock.systemUTC(), 7);
        big = server(bigFleet);
        single = server(FleetGenerator.generate(1, Clock.systemUTC(), 8));
        empty = server(new InMemoryDashboardData(Clock.systemUTC()));
        chromium = HeadlessChromium.start(binary.get(), WIDTH, 1000);
    }

    private static WebServer server(InMemoryDashboardData data) throws Exception {
        return new WebServer(HttpSettings.loopback(0), data, meters.registry(), new HealthChecks()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        for (WebServer server : new WebServer[] {big, single, empty}) {
            if (server != null) {
                server.close();
            }
        }
        if (meters != null) {
            meters.close();
        }
    }

    @BeforeEach
    void clearConsole() {
        chromium.clearConsoleErrors();
    }

    @AfterEach
    void noConsoleErrors() {
        assertThat(chromium.consoleErrors()).as("errors in the browser console").isEmpty();
    }

    @Test
    void fleetOf500RendersSortsAndFilters() throws Exception {
        chromium.open(big.baseUri() + "/");
        assertThat(chromium.eval("document.querySelectorAll('#fleet tbody tr').length").asInt()).isEqualTo(500);
        double renderMs = chromium.eval("window.pgvigil.renderMs").asDouble();
        System.out.printf("fleet page: 500 rows rendered in %.1f ms%n", renderMs);
        assertThat(renderMs).as("time to render 500 rows, ms").isLessThan(1000);
        // no layout break: nothing wider than the window, every row one line high
        assertThat(chromium.eval("document.documentElement.scrollWidth").asInt()).isLessThanOrEqualTo(WIDTH);
        JsonNode heights = chromium.eval("[...document.querySelectorAll('#fleet tbody tr')].map(r => r.getBoundingClientRect().height)");
        double first = heights.get(0).asDouble();
        for (JsonNode h : heights) {
            assertThat(h.asDouble()).isBetween(first - 1, first + 1);
        }
        // the flat list (standbys not under their primary) for the sort checks; grouping is tested below
        setGrouping(false);
        // worst first: the first row has the most critical alerts
        int maxCritical = bigFleet.fleet().stream().mapToInt(i -> i.firingAlerts().critical()).max().orElseThrow();
        String top = firstRowId();
        assertThat(bigFleet.instance(top).orElseThrow().summary().firingAlerts().critical()).isEqualTo(maxCritical);
        chromium.screenshot(SCREENSHOTS.resolve("fleet-500.png"));

        List<String> ids = bigFleet.fleet().stream().map(InstanceSummary::id).sorted().toList();
        clickHeader("id");
        assertThat(firstRowId()).isEqualTo(ids.get(0));
        assertThat(chromium.eval("document.querySelector('#fleet th[data-key=id]').getAttribute('aria-sort')").asText()).isEqualTo("ascending");
        clickHeader("id");
        assertThat(firstRowId()).isEqualTo(ids.get(ids.size() - 1));

        clickHeader("cacheHitRatio");
        InstanceSummary lowest = bigFleet.fleet().stream().filter(i -> i.cacheHitRatio() != null)
                .min(Comparator.comparingDouble(InstanceSummary::cacheHitRatio)).orElseThrow();
        assertThat(firstRowId()).isEqualTo(lowest.id());
        String lastId = chromium.eval("[...document.querySelectorAll('#fleet tbody td.id')].pop().textContent").asText();
        assertThat(bigFleet.instance(lastId).orElseThrow().summary().cacheHitRatio()).as("unknown values sort last").isNull();

        clickHeader("transactionsPerSecond");
        InstanceSummary busiest = bigFleet.fleet().stream().filter(i -> i.transactionsPerSecond() != null)
                .max(Comparator.comparingDouble(InstanceSummary::transactionsPerSecond)).orElseThrow();
        assertThat(firstRowId()).isEqualTo(busiest.id());

        chromium.eval("(() => { const f = document.querySelector('#filter'); f.value = 'pg-us-01'; f.dispatchEvent(new Event('input')); })()");
        long expected = ids.stream().filter(id -> id.contains("pg-us-01")).count();
        assertThat(chromium.eval("document.querySelectorAll('#fleet tbody tr').length").asLong()).isEqualTo(expected).isPositive();
        chromium.eval("(() => { const f = document.querySelector('#filter'); f.value = 'no-such-thing'; f.dispatchEvent(new Event('input')); })()");
        assertThat(chromium.eval("document.querySelector('#empty').textContent").asText()).contains("No instance matches");
        setGrouping(true);
    }

    @Test
    void fleetGroupsStandbysUnderTheirPrimary() throws Exception {
        chromium.open(big.baseUri() + "/");
        setGrouping(true);
        JsonNode rows = chromium.eval("[...document.querySelectorAll('#fleet tbody tr')].map(r => ({id: r.dataset.id, grouped: r.classList.contains('grouped'),"
                + " role: r.querySelector('.role-cell').textContent}))");
        assertThat(rows).hasSize(500);
        List<InstanceSummary> grouped = FleetGrouping.group(bigFleet.fleet());
        java.util.Map<String, String> primaryOf = new java.util.HashMap<>();
        grouped.stream().filter(i -> i.primaryId() != null).forEach(i -> primaryOf.put(i.id(), i.primaryId()));
        assertThat(primaryOf).containsEntry(FleetGenerator.id(1), FleetGenerator.id(0)).hasSizeGreaterThan(100);
        String head = null;
        java.util.Map<String, String> roles = new java.util.HashMap<>();
        for (JsonNode row : rows) {
            String id = row.get("id").asText();
            roles.put(id, row.get("role").asText());
            if (primaryOf.containsKey(id)) {
                assertThat(row.get("grouped").asBoolean()).as(id + " is indented").isTrue();
                assertThat(head).as(id + " right under its primary").isEqualTo(primaryOf.get(id));
            } else {
                assertThat(row.get("grouped").asBoolean()).as(id + " stands on its own").isFalse();
                head = id;
            }
        }
        assertThat(roles.get(FleetGenerator.id(0))).isEqualTo("primary \u00b7 1 standby");
        assertThat(roles.get(FleetGenerator.id(1))).isEqualTo("standby");
        assertThat(roles.get(FleetGenerator.id(2))).as("its primary is not monitored").isEqualTo("standby (on its own)");
        assertThat(roles.get(FleetGenerator.id(5))).isEqualTo("unknown");
        chromium.screenshot(SCREENSHOTS.resolve("fleet-grouped.png"));

        chromium.eval("(() => { const f = document.querySelector('#filter'); f.value = 'standby'; f.dispatchEvent(new Event('input')); })()");
        long standbys = grouped.stream().filter(i -> i.role() == DashboardData.Role.STANDBY).count();
        assertThat(chromium.eval("document.querySelectorAll('#fleet tbody tr').length").asLong()).isEqualTo(standbys);
        assertThat(chromium.eval("document.querySelectorAll('#fleet tbody tr.grouped').length").asInt())
                .as("their primaries are filtered out: none is grouped").isZero();
    }

    @Test
    void replicationPanelOfAPrimaryAStandbyAndAnUnknown() throws Exception {
        chromium.open(big.baseUri() + "/instance.html?id=" + FleetGenerator.id(0));
        for (String chart : List.of("lagBytes", "lagSeconds")) {
            assertThat(chromium.eval("window.pgvigil.charts['" + chart + "']").path("points").asInt()).as(chart).isGreaterThan(10);
            assertThat(firstSeriesPixels(chart)).as("pixels of the first line on " + chart).isGreaterThan(100);
        }
        assertThat(chromium.eval("document.querySelector('#replication-role').textContent").asText()).isEqualTo("primary");
        assertThat(chromium.eval("document.querySelector('#replication-facts').textContent").asText())
                .contains("monitored standbys " + FleetGenerator.id(1)).contains("WAL at 5/20000000");
        assertThat(chromium.eval("document.querySelector('#standbys tbody tr').textContent").asText())
                .contains(FleetGenerator.slotOf(1)).contains("streaming").contains("async").contains("3.0 MiB");
        JsonNode slots = chromium.eval("[...document.querySelectorAll('#slots-table tbody tr')].map(r => r.textContent)");
        assertThat(slots).hasSize(2);
        assertThat(slots.get(1).asText()).contains("old_replica").contains("inactive").contains("extended").contains("3.5 GiB");
        assertThat(chromium.eval("document.querySelector('#slots-table tbody tr:nth-child(2) .level-crit') !== null").asBoolean())
                .as("coloured by the analyzer's verdict with the instance's thresholds, not the 10 GiB default").isTrue();
        assertThat(chromium.eval("document.querySelector('#slots-table tbody tr:nth-child(1) [class^=level-]').className").asText())
                .as("no verdict, no colour").isEqualTo("level-");
        assertThat(chromium.eval("document.querySelector('#archiver').textContent").asText()).contains("archive_mode on")
                .contains("000000010000000500000031").doesNotContain("failing");
        chromium.screenshot(SCREENSHOTS.resolve("instance-replication.png"));

        chromium.open(big.baseUri() + "/instance.html?id=" + FleetGenerator.id(3));
        assertThat(chromium.eval("document.querySelector('#archiver').textContent").asText()).contains("failing").contains("000000010000000500000020");

        chromium.open(big.baseUri() + "/instance.html?id=" + FleetGenerator.id(1));
        assertThat(chromium.eval("document.querySelector('#replication-role').textContent").asText()).isEqualTo("standby");
        assertThat(chromium.eval("document.querySelector('#replication-facts').textContent").asText())
                .contains("standby of " + FleetGenerator.id(0)).contains("upstream " + FleetGenerator.id(0) + ".db.internal:5432")
                .contains("WAL receiver streaming");
        assertThat(chromium.eval("document.querySelector('#chart-lagBytes .unit').textContent").asText()).contains("not replayed");
        assertThat(chromium.eval("window.pgvigil.charts.lagBytes").path("points").asInt()).isGreaterThan(10);
        chromium.screenshot(SCREENSHOTS.resolve("instance-standby.png"));

        chromium.open(big.baseUri() + "/instance.html?id=" + FleetGenerator.id(2));
        assertThat(chromium.eval("document.querySelector('#replication-facts').textContent").asText())
                .contains("no monitored primary matches it").contains("upstream 10.9.9.9:5432");

        chromium.open(big.baseUri() + "/instance.html?id=" + FleetGenerator.id(5));
        assertThat(chromium.eval("document.querySelector('#replication-role').textContent").asText()).isEqualTo("unknown");
        assertThat(chromium.eval("document.querySelector('#replication-empty').hidden").asBoolean()).isFalse();
        assertThat(chromium.eval("document.querySelector('#replication-empty').textContent").asText()).contains("No replication record yet");
    }

    @Test
    void fleetOfOneRefreshesLiveUntilPaused() throws Exception {
        chromium.open(single.baseUri() + "/?refresh=2");
        assertThat(chromium.eval("document.querySelectorAll('#fleet tbody tr').length").asInt()).isEqualTo(1);
        assertThat(chromium.eval("document.querySelector('#zone').textContent").asText()).startsWith("Times in ");
        chromium.screenshot(SCREENSHOTS.resolve("fleet-1.png"));

        int renders = chromium.eval("window.pgvigil.renders").asInt();
        chromium.waitUntil("window.pgvigil.renders > " + renders, Duration.ofSeconds(10));
        chromium.eval("document.querySelector('#pause').click()");
        assertThat(chromium.eval("document.querySelector('#pause').getAttribute('aria-pressed')").asText()).isEqualTo("true");
        int paused = chromium.eval("window.pgvigil.renders").asInt();
        Thread.sleep(4500);
        assertThat(chromium.eval("window.pgvigil.renders").asInt()).as("no refresh while paused").isEqualTo(paused);
    }

    @Test
    void emptyFleetSaysWhatToDo() throws Exception {
        chromium.open(empty.baseUri() + "/");
        assertThat(chromium.eval("document.querySelector('#empty').hidden").asBoolean()).isFalse();
        assertThat(chromium.eval("document.querySelector('#empty').textContent").asText())
                .contains("No instances yet").contains("collector.targets");
        chromium.screenshot(SCREENSHOTS.resolve("fleet-empty.png"));
    }

    @Test
    void instancePageDrawsEveryChartAndCopiesSql() throws Exception {
        String id = FleetGenerator.id(0);
        chromium.grantClipboard(big.baseUri().toString());
        chromium.open(big.baseUri() + "/instance.html?id=" + id);
        for (String chart : List.of("tps", "cacheHit", "connections", "statements", "deadRows", "size")) {
            JsonNode drawn = chromium.eval("window.pgvigil.charts['" + chart + "']");
            assertThat(drawn.path("points").asInt()).as("points drawn on " + chart).isGreaterThan(10);
            assertThat(firstSeriesPixels(chart)).as("pixels of the first line on " + chart).isGreaterThan(100);
        }
        assertThat(chromium.eval("document.querySelector('#instance-id').textContent").asText()).isEqualTo(id);
        assertThat(chromium.eval("document.querySelector('#resolution').textContent").asText()).isEqualTo("1-minute averages");
        assertThat(chromium.eval("document.querySelector('#chart-size .chart-note').textContent").asText()).contains("/day").contains("disk full in");
        assertThat(chromium.eval("document.querySelectorAll('#statements tbody tr').length").asInt()).isEqualTo(8);
        assertThat(chromium.eval("document.querySelectorAll('#comparison tbody tr').length").asInt()).isGreaterThan(5);
        assertThat(chromium.eval("document.querySelectorAll('#alerts tbody tr').length").asInt())
                .isEqualTo(bigFleet.alerts(new DashboardData.AlertQuery(id, null)).size());
        chromium.screenshot(SCREENSHOTS.resolve("instance.png"));

        String sql = chromium.eval("document.querySelector('.finding .sql pre').textContent").asText();
        assertThat(sql).isEqualTo("VACUUM (ANALYZE) public.events;");
        chromium.eval("document.querySelector('.finding .sql button.copy').click()");
        chromium.waitUntil("document.querySelector('.finding .sql button.copy').textContent === 'Copied'", Duration.ofSeconds(5));
        assertThat(chromium.eval("navigator.clipboard.readText()").asText()).isEqualTo(sql);

        chromium.eval("document.querySelector('.range button[data-range=\"604800\"]').click()");
        chromium.waitUntil("document.querySelector('#resolution').textContent === '1-hour averages' && window.pgvigil.charts.tps.points > 300",
                Duration.ofSeconds(20));
        chromium.screenshot(SCREENSHOTS.resolve("instance-7d.png"));
        // back to the default for the other tests (the range is kept for the session)
        chromium.eval("document.querySelector('.range button[data-range=\"3600\"]').click()");
    }

    @Test
    void unknownInstanceSaysSo() throws Exception {
        chromium.open(big.baseUri() + "/instance.html?id=nope");
        assertThat(chromium.eval("document.querySelector('#missing').textContent").asText()).contains("There is no instance \u201cnope\u201d");
        assertThat(chromium.eval("document.querySelector('#page').hidden").asBoolean()).isTrue();
        // the API's 404 for the instance is logged by the browser as a failed load; that one is expected
        assertThat(chromium.consoleErrors()).allSatisfy(e -> assertThat(e).contains("404"));
        chromium.clearConsoleErrors();
    }

    /** Standbys under their primary or not (kept for the session, like the page does). */
    private static void setGrouping(boolean on) throws Exception {
        chromium.eval("(() => { const g = document.querySelector('#group'); if (g.checked !== " + on + ") g.click(); })()");
    }

    private static String firstRowId() throws Exception {
        return chromium.eval("document.querySelector('#fleet tbody td.id').textContent").asText();
    }

    private static void clickHeader(String key) throws Exception {
        chromium.eval("document.querySelector('#fleet th[data-key=" + key + "] button').click()");
    }

    /** Canvas pixels in the first series' colour (#2563eb): the line itself, not the axes or the grid. */
    private static int firstSeriesPixels(String chart) throws Exception {
        return chromium.eval("(() => { const c = document.querySelector('#chart-" + chart + " canvas');"
                + " if (!c) return 0; const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                + " for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 37) < 40 && Math.abs(d[i + 1] - 99) < 40"
                + " && Math.abs(d[i + 2] - 235) < 40 && d[i + 3] > 128) n++; return n; })()").asInt();
    }
}

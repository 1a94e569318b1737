package dev.pgvigil.analyzer;

import static dev.pgvigil.analyzer.AnalyzerDriver.T0;
import static dev.pgvigil.analyzer.Stats.databases;
import static dev.pgvigil.analyzer.Stats.db;
import static dev.pgvigil.analyzer.Stats.ref;
import static dev.pgvigil.analyzer.Stats.statements;
import static dev.pgvigil.analyzer.Stats.table;
import static dev.pgvigil.analyzer.Stats.tables;
import static dev.pgvigil.analyzer.Stats.uniform;
import static dev.pgvigil.analyzer.Stats.whole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.pgvigil.rules.baseline.BaselineComparison;
import dev.pgvigil.schema.Baselines;
import dev.pgvigil.analyzer.state.RollupBlock;
import dev.pgvigil.analyzer.state.SeriesKey;
import dev.pgvigil.schema.Baseline;
import dev.pgvigil.schema.BaselineSet;
import dev.pgvigil.schema.Rollup;
import dev.pgvigil.schema.Rollups;
import dev.pgvigil.schema.Violation;
import dev.pgvigil.schema.ViolationState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Rollups, growth, continuous and named baselines, and the dead letter topic. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrendsTopologyTest {
    private AnalyzerDriver a;

    @BeforeAll
    void start() throws Exception {
        a = new AnalyzerDriver("""
                rules:
                  thresholds:
                    regression: { forIntervals: 1 }
                baselineDays: 7
                diskSizeBytes: { growth: 100000000 }
                """);
    }

    @AfterAll
    void stop() throws Exception {
        a.close();
    }

    @Test
    void oneMinuteRollupsArePublishedWhenTheWindowCloses() throws Exception {
        // rollups close on the task's stream time, which the other tests move: a driver of its own
        try (AnalyzerDriver a = new AnalyzerDriver("rollupMetrics: [database.tps]")) {
            oneMinuteRollups(a);
        }
    }

    private static void oneMinuteRollups(AnalyzerDriver a) {
        String i = "rollup";
        Instant base = T0.plusSeconds(3600 * 5); // 15:00:00, a minute boundary
        long commits = 0;
        a.send(databases(ref(i, "s0", base.minusSeconds(10)), whole(), db("shop", 5).setXactCommit(commits).build()));
        long[] perInterval = {100, 300, 200, 400, 500, 600}; // 10 s intervals: tps 10, 30, 20, 40, 50, 60
        for (int k = 0; k < perInterval.length; k++) {
            commits += perInterval[k];
            a.send(databases(ref(i, "s" + (k + 1), base.plusSeconds(10L * k)), whole(), db("shop", 5).setXactCommit(commits).build()));
        }
        assertThat(AnalyzerDriver.rollupSeries(a.rollups1m)).as("window still open").isEmpty();
        // stream time moves past the window's end plus the grace period (2 x 10 s)
        commits += 100;
        a.send(databases(ref(i, "s9", base.plusSeconds(85)), whole(), db("shop", 5).setXactCommit(commits).build()));
        List<Rollup> r = AnalyzerDriver.rollupSeries(a.rollups1m).stream()
                .filter(x -> x.getInstanceId().equals(i) && x.getName().equals("database.tps")).toList();
        assertThat(r).singleElement().satisfies(x -> {
            assertThat(x.getWindow()).isEqualTo("1m");
            assertThat(x.getWindowStart()).isEqualTo(base);
            assertThat(x.getWindowEnd()).isEqualTo(base.plusSeconds(60));
            assertThat(x.getLabels()).containsEntry("database", "shop");
            assertThat(x.getCount()).isEqualTo(6);
            assertThat(x.getMin()).isEqualTo(10.0);
            assertThat(x.getMax()).isEqualTo(60.0);
            assertThat(x.getAvg()).isCloseTo(35.0, within(1e-9));
            assertThat(x.getSum()).isCloseTo(210.0, within(1e-9));
            assertThat(x.getLast()).isEqualTo(60.0);
        });
        assertThat(AnalyzerDriver.rollupSeries(a.rollups1m)).as("published once").isEmpty();
    }

    @Test
    void aMetricsSeriesOfOneWindowArePublishedAsOneBlockRecord() throws Exception {
        try (AnalyzerDriver a = new AnalyzerDriver("rollupMetrics: [database.tps]")) {
            Instant base = T0.plusSeconds(3600 * 6);
            a.send(databases(ref("block", "s0", base.minusSeconds(10)), whole(), db("shop", 5).setXactCommit(0).build(),
                    db("crm", 6).setXactCommit(0).build()));
            a.send(databases(ref("block", "s1", base), whole(), db("shop", 5).setXactCommit(100).build(), db("crm", 6).setXactCommit(300).build()));
            a.send(databases(ref("block", "s2", base.plusSeconds(60)), whole(), db("shop", 5).setXactCommit(100).build(),
                    db("crm", 6).setXactCommit(300).build()));
            List<Rollup> records = a.rollups1m.readValuesToList();
            assertThat(records).as("one record for both databases").singleElement().satisfies(r -> {
                assertThat(r.getName()).isEqualTo("database.tps");
                assertThat(Rollups.series(r)).extracting(x -> x.getLabels().get("database"), Rollup::getSum)
                        .containsExactlyInAnyOrder(tuple("shop", 10.0), tuple("crm", 30.0));
            });
        }
    }

    @Test
    void hourRollupsAreMadeOfTheClosedMinutes() throws Exception {
        try (AnalyzerDriver a = new AnalyzerDriver("rollupMetrics: [database.tps]")) {
            String i = "hourly";
            Instant base = T0.plusSeconds(3600 * 7); // an hour boundary
            long commits = 0;
            a.send(databases(ref(i, "s0", base.minusSeconds(10)), whole(), db("shop", 5).setXactCommit(commits).build()));
            // the first interval is 10 s, then every 10 minutes: tps 10, 20, 30, 40, 50, 60, each in a minute of its own
            commits += 100;
            a.send(databases(ref(i, "s1", base), whole(), db("shop", 5).setXactCommit(commits).build()));
            for (int k = 2; k <= 6; k++) {
                commits += 600L * 10 * k;
                a.send(databases(ref(i, "s" + k, base.plusSeconds(600L * (k - 1))), whole(), db("shop", 5).setXactCommit(commits).build()));
            }
            assertThat(AnalyzerDriver.rollupSeries(a.rollups1m)).as("each minute closes when the next one begins").hasSize(5);
            assertThat(AnalyzerDriver.rollupSeries(a.rollups1h)).as("the hour is still open").isEmpty();
            commits += 1500;
            a.send(databases(ref(i, "s7", base.plusSeconds(3900)), whole(), db("shop", 5).setXactCommit(commits).build()));
            assertThat(AnalyzerDriver.rollupSeries(a.rollups1h)).singleElement().satisfies(x -> {
                assertThat(x.getWindow()).isEqualTo("1h");
                assertThat(x.getWindowStart()).isEqualTo(base);
                assertThat(x.getWindowEnd()).isEqualTo(base.plusSeconds(3600));
                assertThat(x.getCount()).isEqualTo(6);
                assertThat(x.getMin()).isEqualTo(10.0);
                assertThat(x.getMax()).isEqualTo(60.0);
                assertThat(x.getSum()).isCloseTo(210.0, within(1e-9));
                assertThat(x.getLast()).isEqualTo(60.0);
            });
        }
    }

    @Test
    void aLaggingInstancesMinuteClosesOnStreamTimeAndItsLatePointsJoinItUnpublished() throws Exception {
        try (AnalyzerDriver a = new AnalyzerDriver("rollupMetrics: [database.tps]")) {
            Instant base = T0.plusSeconds(3600 * 9); // a minute boundary
            a.send(databases(ref("slow", "s0", base.minusSeconds(10)), whole(), db("shop", 5).setXactCommit(0).build()));
            a.send(databases(ref("slow", "s1", base.plusSeconds(5)), whole(), db("shop", 5).setXactCommit(150).build())); // 10 tps
            // another instance of the same task moves stream time 100 s on: past the minute's end plus 20 s of grace
            a.send(databases(ref("fast", "f0", base.plusSeconds(90)), whole(), db("shop", 5).setXactCommit(0).build()));
            a.send(databases(ref("fast", "f1", base.plusSeconds(100)), whole(), db("shop", 5).setXactCommit(100).build()));
            List<Rollup> closed = AnalyzerDriver.rollupSeries(a.rollups1m).stream().filter(r -> r.getInstanceId().equals("slow")).toList();
            assertThat(closed).as("closed although its instance sent nothing newer").singleElement()
                    .satisfies(r -> assertThat(r.getCount()).isEqualTo(1));

            a.send(databases(ref("slow", "s2", base.plusSeconds(25)), whole(), db("shop", 5).setXactCommit(550).build())); // 20 tps, late
            assertThat(AnalyzerDriver.rollupSeries(a.rollups1m)).as("not published again").noneMatch(r -> r.getInstanceId().equals("slow"));
            WindowStore<String, RollupBlock> minutes = a.driver.getWindowStore(TopologyNames.ROLLUPS_1M_STORE);
            RollupBlock block = minutes.fetch(new SeriesKey("slow", "database.tps").encode(), base.toEpochMilli());
            assertThat(block.series.get(SeriesKey.labelsKey(Map.of("database", "shop")))).satisfies(agg -> {
                assertThat(agg.count()).as("the late point is in the stored minute").isEqualTo(2);
                assertThat(agg.max()).isEqualTo(20.0);
            });
        }
    }

    @Test
    void databaseGrowthAndDaysUntilTheDiskFills() {
        String i = "growth";
        Instant day0 = T0;
        a.send(databases(ref(i, "s0", day0), whole(), db("shop", 5).setSizeBytes(10_000_000).build()));
        a.send(databases(ref(i, "s1", day0.plusSeconds(2 * 86400)), whole(), db("shop", 5).setSizeBytes(30_000_000).build()));
        List<AnalyzerDriver.Point> p = a.points().stream().filter(x -> x.instance().equals(i)).toList();
        assertThat(AnalyzerDriver.named(p, "database.growth_bytes_per_day")).singleElement()
                .satisfies(x -> assertThat(x.value()).isCloseTo(10_000_000, within(1.0)));
        // 70 MB left at 10 MB a day
        assertThat(AnalyzerDriver.named(p, "instance.days_until_disk_full")).singleElement()
                .satisfies(x -> assertThat(x.value()).isCloseTo(7.0, within(1e-6)));
    }

    @Test
    void regressionAgainstTheSameHourOfEarlierDays() {
        String i = "regress";
        long calls = 0;
        double total = 0;
        Instant start = T0.minusSeconds(4 * 86400);
        for (int day = 0; day < 4; day++) {
            for (int k = 0; k < 3; k++) {
                Instant at = start.plusSeconds(day * 86400L + k * 10L);
                double mean = day == 3 && k == 2 ? 50 : 10; // the last interval of the 4th day is 5x slower
                calls += 100;
                total += 100 * mean;
                a.send(statements(ref(i, "d" + day + "k" + k, at), whole(), Stats.statement(1, calls, total, total / calls, 0, 50)));
            }
        }
        List<Violation> v = AnalyzerDriver.of(a.violations(), x -> x.getInstanceId().equals(i));
        assertThat(v).singleElement().satisfies(x -> {
            assertThat(x.getRule()).isEqualTo("regression.statement_mean_time_ms");
            assertThat(x.getState()).isEqualTo(ViolationState.FIRING);
            assertThat(x.getValue()).isCloseTo(5.0, within(1e-9));
            assertThat(x.getMessage()).contains("baseline 10", "3 days");
        });
    }

    @Test
    void namedBaselinesAreKeptAndCompared() {
        String i = "named";
        a.send(databases(ref(i, "s0", T0), whole(), db("shop", 5).setSizeBytes(1000).setBlksHit(90).setBlksRead(10).build()));
        a.send(tables(ref(i, "s0", T0), whole(), table(1, "orders").setHeapSizeBytes(500).setIndexesSizeBytes(0).build()));
        a.baselineRequests.pipeInput(i, "before-release", T0.plusSeconds(1));
        a.send(databases(ref(i, "s1", T0.plusSeconds(60)), whole(), db("shop", 5).setSizeBytes(3000).setBlksHit(180).setBlksRead(20).build()));
        a.send(tables(ref(i, "s1", T0.plusSeconds(60)), whole(), table(1, "orders").setHeapSizeBytes(2500).setIndexesSizeBytes(0).build()));
        a.baselineRequests.pipeInput(i, "after-release", T0.plusSeconds(61));
        List<BaselineSet> sets = a.baselines.readValuesToList();
        assertThat(sets).hasSize(2);
        BaselineSet last = sets.get(1);
        assertThat(last.getInstanceId()).isEqualTo(i);
        assertThat(last.getBaselines()).extracting(Baseline::getName).containsExactly("before-release", "after-release");
        Baseline before = last.getBaselines().get(0);
        assertThat(before.getMetrics()).containsEntry("database_size_bytes", 1000.0).containsEntry("cache_hit_ratio", 0.9);
        assertThat(before.getTables()).singleElement().satisfies(t -> assertThat(t.getSizeBytes()).isEqualTo(500));

        BaselineComparison cmp = BaselineComparison.compare(Baselines.fromAvro(before), Baselines.fromAvro(last.getBaselines().get(1)));
        assertThat(cmp.metrics()).filteredOn(c -> c.metric().equals("database_size_bytes")).singleElement()
                .satisfies(c -> assertThat(c.changeShare()).isEqualTo(2.0));
        assertThat(cmp.tables()).singleElement().satisfies(t -> assertThat(t.sizeBytes().change()).isEqualTo(2000.0));

        // the eleventh replaces the oldest; a name used again replaces its namesake
        for (int k = 0; k < 10; k++) {
            a.baselineRequests.pipeInput(i, "b" + k, T0.plusSeconds(100 + k));
        }
        a.baselineRequests.pipeInput(i, "b9", T0.plusSeconds(200));
        BaselineSet latest = a.baselines.readValuesToList().get(10);
        assertThat(latest.getBaselines()).hasSize(10).extracting(Baseline::getName).doesNotContain("before-release", "after-release").endsWith("b9");
    }

    @Test
    void poisonRecordGoesToTheDeadLetterTopicAndTheStreamGoesOn() {
        String i = "poison";
        a.sendRaw(dev.pgvigil.schema.kafka.Topics.STATS_TABLES, i, "not avro at all".getBytes(StandardCharsets.UTF_8), T0);
        var dead = a.dlq.readRecordsToList();
        assertThat(dead).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(i);
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("not avro at all");
            Header message = r.headers().lastHeader("__streams.errors.message");
            assertThat(new String(message.value(), StandardCharsets.UTF_8)).contains("cannot decode TablesChunk");
            assertThat(new String(r.headers().lastHeader("__streams.errors.topic").value(), StandardCharsets.UTF_8))
                    .isEqualTo("pgvigil.stats.tables");
        });
        a.send(tables(ref(i, "s0", T0), whole(), table(1, "orders").setNLiveTup(50_000).setNDeadTup(50_000).build()));
        assertThat(AnalyzerDriver.of(a.violations(), v -> v.getInstanceId().equals(i))).hasSize(1);
    }

    @Test
    void invalidOrUnknownBaselineRequestsGoToTheDeadLetterTopic() {
        a.send(databases(ref("known", "s0", T0), whole(), db("shop", 5).setSizeBytes(1000).build()));
        a.baselineRequests.pipeInput("nobody", "x", T0);
        a.baselineRequests.pipeInput("known", "../etc/passwd", T0);
        a.baselineRequests.pipeInput("known", "", T0);
        a.baselineRequests.pipeInput("bad id!", "x", T0);
        assertThat(a.baselines.readValuesToList()).isEmpty();
        assertThat(a.dlq.readRecordsToList()).extracting(r -> new String(r.headers().lastHeader("__streams.errors.message").value(),
                StandardCharsets.UTF_8)).satisfiesExactly(
                m -> assertThat(m).contains("no state of instance 'nobody'"),
                m -> assertThat(m).contains("baseline name is not"),
                m -> assertThat(m).contains("baseline name is not"),
                m -> assertThat(m).contains("instance id"));
        a.baselineRequests.pipeInput("known", "fine", T0.plusSeconds(1));
        assertThat(a.baselines.readValuesToList()).singleElement()
                .satisfies(set -> assertThat(set.getBaselines()).extracting(Baseline::getName).containsExactly("fine"));
    }
}

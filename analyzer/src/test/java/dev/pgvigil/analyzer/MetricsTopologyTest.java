package dev.pgvigil.analyzer;

import static dev.pgvigil.analyzer.AnalyzerDriver.T0;
import static dev.pgvigil.analyzer.AnalyzerDriver.named;
import static dev.pgvigil.analyzer.Stats.chunk;
import static dev.pgvigil.analyzer.Stats.databases;
import static dev.pgvigil.analyzer.Stats.db;
import static dev.pgvigil.analyzer.Stats.ref;
import static dev.pgvigil.analyzer.Stats.statement;
import static dev.pgvigil.analyzer.Stats.statements;
import static dev.pgvigil.analyzer.Stats.table;
import static dev.pgvigil.analyzer.Stats.tables;
import static dev.pgvigil.analyzer.Stats.uniform;
import static dev.pgvigil.analyzer.Stats.whole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pgvigil.analyzer.AnalyzerDriver.Point;
import dev.pgvigil.schema.MetricBatch;
import dev.pgvigil.schema.MetricBatches;
import dev.pgvigil.schema.StatementStat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-interval deltas and rates from cumulative counters, with resets and partial snapshots. */
class MetricsTopologyTest {
    private AnalyzerDriver a;

    @BeforeEach
    void start() throws Exception {
        a = new AnalyzerDriver("maxPointsPerBatch: 10");
    }

    @AfterEach
    void stop() throws Exception {
        a.close();
    }

    private static Instant t(int seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void databaseRatesAndIntervalCacheHitRatio() {
        a.send(databases(ref("i1", "s1", t(0)), whole(), db("shop", 5).setXactCommit(1000).setXactRollback(10)
                .setBlksHit(900_000).setBlksRead(100_000).setTempBytes(0).setDeadlocks(2).build()));
        assertThat(named(a.points(), "database.tps")).as("the first snapshot is a baseline, not an interval").isEmpty();

        a.send(databases(ref("i1", "s2", t(10)), whole(), db("shop", 5).setXactCommit(1500).setXactRollback(20)
                .setBlksHit(902_000).setBlksRead(108_000).setTempBytes(1_048_576).setDeadlocks(3).build()));
        List<Point> p = a.points();
        assertThat(named(p, "database.commits_per_s")).singleElement().satisfies(x -> {
            assertThat(x.value()).isEqualTo(50.0);
            assertThat(x.labels()).containsEntry("database", "shop");
            assertThat(x.start()).isEqualTo(t(0));
            assertThat(x.end()).isEqualTo(t(10));
        });
        assertThat(named(p, "database.tps").get(0).value()).isEqualTo(51.0);
        // the interval's ratio (2,000 of 10,000), not the cumulative 90 %
        assertThat(named(p, "database.cache_hit_ratio").get(0).value()).isCloseTo(0.2, within(1e-9));
        assertThat(named(p, "database.temp_bytes_per_s").get(0).value()).isCloseTo(104_857.6, within(1e-6));
        assertThat(named(p, "database.deadlocks").get(0).value()).isEqualTo(1.0);
        assertThat(named(p, "instance.tps").get(0).value()).isEqualTo(51.0);
        assertThat(named(p, "database.size_bytes")).hasSize(1);
    }

    @Test
    void statsResetStartsANewSeriesWithoutNegativeOrSpike() {
        Instant reset = t(15);
        a.send(databases(ref("i1", "s1", t(0)), whole(), db("shop", 5).setXactCommit(1_000_000).setBlksHit(5_000_000).build()));
        a.send(databases(ref("i1", "s2", t(10)), whole(), db("shop", 5).setXactCommit(1_000_100).setBlksHit(5_000_100).build()));
        a.points();
        // pg_stat_reset(): counters start again near zero, stats_reset moves
        a.send(databases(ref("i1", "s3", t(20)), whole(), db("shop", 5).setXactCommit(30).setBlksHit(40).setStatsReset(reset).build()));
        assertThat(named(a.points(), "database.commits_per_s")).as("no delta across a reset").isEmpty();
        a.send(databases(ref("i1", "s4", t(30)), whole(), db("shop", 5).setXactCommit(130).setBlksHit(140).setStatsReset(reset).build()));
        assertThat(named(a.points(), "database.commits_per_s")).singleElement().satisfies(x -> assertThat(x.value()).isEqualTo(10.0));
    }

    @Test
    void statementIntervalMeanAndP95NotCumulative() {
        a.send(statements(ref("i1", "s1", t(0)), whole(), uniform(42, 1000, 1.0)));
        // 10 calls of 200 ms and 10 of 400 ms in the interval
        double sum = 1000 * 1.0 + 10 * 200 + 10 * 400;
        double sumSq = 1000 * 1.0 + 10 * 200.0 * 200 + 10 * 400.0 * 400;
        long n = 1020;
        double mean = sum / n;
        double stddev = Math.sqrt(sumSq / n - mean * mean);
        a.send(statements(ref("i1", "s2", t(10)), whole(), statement(42, n, sum, mean, stddev, 400)));
        List<Point> p = a.points();
        assertThat(named(p, "statement.calls_per_s").get(0).value()).isEqualTo(2.0);
        assertThat(named(p, "statement.mean_time_ms").get(0).value()).isCloseTo(300, within(1e-6));
        assertThat(named(p, "statement.p95_time_ms").get(0).value()).isCloseTo(400, within(1e-6)); // 300 + 1.645*100, capped at max
        assertThat(named(p, "statement.mean_time_ms").get(0).labels()).containsEntry("queryid", "42").containsEntry("database", "shop");
        assertThat(named(p, "instance.statement_mean_time_ms").get(0).value()).isCloseTo(300, within(1e-6));
    }

    @Test
    void statementsResetOrEvictionGivesNoNegativeRate() {
        a.send(statements(ref("i1", "s1", t(0)), whole(), uniform(42, 1000, 5)));
        a.send(statements(ref("i1", "s2", t(10)), whole(), uniform(42, 3, 5))); // pg_stat_statements_reset()
        assertThat(a.points()).noneMatch(x -> x.name().startsWith("statement.") && x.value() < 0)
                .noneMatch(x -> x.name().equals("statement.calls_per_s"));
        a.send(statements(ref("i1", "s3", t(20)), whole(), uniform(42, 23, 5)));
        assertThat(named(a.points(), "statement.calls_per_s")).singleElement().satisfies(x -> assertThat(x.value()).isEqualTo(2.0));
    }

    @Test
    void postmasterRestartStartsNewSeries() {
        a.send(Stats.envelope(ref("i1", "s1", t(0)), dev.pgvigil.schema.SnapshotStatus.OK, T0.minusSeconds(3600)));
        a.send(statements(ref("i1", "s2", t(10)), whole(), uniform(42, 100, 5)));
        a.send(Stats.envelope(ref("i1", "s2", t(10)), dev.pgvigil.schema.SnapshotStatus.OK, t(5))); // restarted at t+5
        a.send(statements(ref("i1", "s3", t(20)), whole(), uniform(42, 120, 5)));
        assertThat(named(a.points(), "statement.calls_per_s")).as("samples of two server lives are not one interval").isEmpty();
        a.send(statements(ref("i1", "s4", t(30)), whole(), uniform(42, 140, 5)));
        assertThat(named(a.points(), "statement.calls_per_s")).singleElement().satisfies(x -> assertThat(x.value()).isEqualTo(2.0));
    }

    @Test
    void partialSnapshotsUseThePreviousSnapshotAsIntervalStartAndSkipAbsentEntities() {
        a.send(tables(ref("i1", "s1", t(0)), whole(), table(1, "orders").setSeqScan(10).build(), table(2, "items").setSeqScan(10).build()));
        a.send(tables(ref("i1", "s2", t(10)), chunk(0, 1, false), table(1, "orders").setSeqScan(20).build())); // items did not move
        a.send(tables(ref("i1", "s3", t(20)), chunk(0, 1, false), table(2, "items").setSeqScan(40).build()));
        List<Point> seq = named(a.points(), "table.seq_scans_per_s");
        assertThat(seq).extracting(x -> x.labels().get("table"), Point::value, Point::start)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("orders", 1.0, t(0)),
                        // items was unchanged at s2, so all 30 scans happened between s2 and s3
                        org.assertj.core.groups.Tuple.tuple("items", 3.0, t(10)));
    }

    @Test
    void replayedChunkIsIgnored() {
        var s1 = tables(ref("i1", "s1", t(0)), whole(), table(1, "orders").setSeqScan(10).build());
        var s2 = tables(ref("i1", "s2", t(10)), whole(), table(1, "orders").setSeqScan(20).build());
        a.send(s1);
        a.send(s2);
        a.points();
        a.send(s1); // a stale chunk arriving late must not become a negative interval or a new series
        a.send(tables(ref("i1", "s3", t(20)), whole(), table(1, "orders").setSeqScan(30).build()));
        assertThat(named(a.points(), "table.seq_scans_per_s")).singleElement().satisfies(x -> assertThat(x.value()).isEqualTo(1.0));
    }

    @Test
    void batchesAreBoundedAndCarryTheInterval() {
        List<StatementStat> first = new ArrayList<>(), second = new ArrayList<>();
        for (int q = 1; q <= 7; q++) {
            first.add(uniform(q, 10, 1));
            second.add(uniform(q, 20, 1));
        }
        a.send(statements(ref("i1", "s1", t(0)), whole(), first.toArray(StatementStat[]::new)));
        a.send(statements(ref("i1", "s2", t(10)), whole(), second.toArray(StatementStat[]::new)));
        List<MetricBatch> batches = a.metrics.readValuesToList();
        assertThat(batches).allSatisfy(b -> {
            assertThat(MetricBatches.points(b).size()).isLessThanOrEqualTo(10);
            assertThat(b.getInstanceId()).isEqualTo("i1");
            assertThat(b.getSnapshotId()).isEqualTo("s2");
        });
        assertThat(batches.stream().mapToInt(b -> MetricBatches.points(b).size()).sum()).isEqualTo(7 * 5 + 2);
        // a statement's five points travel packed: its labels once, a value per name
        assertThat(batches).flatMap(MetricBatch::getSeries).hasSize(7)
                .allSatisfy(s -> assertThat(s.getLabels()).containsKeys("queryid", "database", "userid"));
    }
}

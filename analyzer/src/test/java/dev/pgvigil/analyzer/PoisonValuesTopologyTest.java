package dev.pgvigil.analyzer;

import static dev.pgvigil.analyzer.AnalyzerDriver.T0;
import static dev.pgvigil.analyzer.Stats.activity;
import static dev.pgvigil.analyzer.Stats.databases;
import static dev.pgvigil.analyzer.Stats.db;
import static dev.pgvigil.analyzer.Stats.envelope;
import static dev.pgvigil.analyzer.Stats.index;
import static dev.pgvigil.analyzer.Stats.indexes;
import static dev.pgvigil.analyzer.Stats.ref;
import static dev.pgvigil.analyzer.Stats.statement;
import static dev.pgvigil.analyzer.Stats.statements;
import static dev.pgvigil.analyzer.Stats.table;
import static dev.pgvigil.analyzer.Stats.tables;
import static dev.pgvigil.analyzer.Stats.whole;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.analyzer.process.PoisonRecords;
import dev.pgvigil.schema.CheckpointInfo;
import dev.pgvigil.schema.ReplicationSnapshot;
import dev.pgvigil.schema.SnapshotStatus;
import dev.pgvigil.schema.TableStat;
import dev.pgvigil.schema.TablesChunk;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Valid Avro with absurd values on every input topic: NaN and infinities, negative counters, 1 MB names,
 * 100,000 entities. Each record goes to pgvigil.analyzer.dlq naming the field, nothing of it reaches a
 * metric or a rule, and the instance's next good record is analyzed as if the poison had never come (no
 * negative delta, no spike).
 */
class PoisonValuesTopologyTest {
    private static final String MB = "n".repeat(1 << 20);
    private static final String I = "demo";

    private static TableStat.Builder orders() {
        return table(1, "orders");
    }

    private static TablesChunk tablesAt(Instant at, TableStat... t) {
        return tables(ref(I, "s" + at.getEpochSecond(), at), whole(), t);
    }

    private static ReplicationSnapshot.Builder replication(Instant at) {
        return ReplicationSnapshot.newBuilder().setRef(ref(I, "r" + at.getEpochSecond(), at)).setChunk(whole()).setInRecovery(false)
                .setSystemIdentifier(42L).setCurrentLsn(1_000_000L).setMaxWalSizeBytes(1L << 30).setCheckpointTimeoutSeconds(300)
                .setCheckpoints(new CheckpointInfo(0L, 0L, 0.0, 0.0, 0L, null));
    }

    @Test
    void absurdValuesOnEveryInputTopicGoToTheDeadLetterTopicAndTheStreamGoesOn() throws Exception {
        try (AnalyzerDriver a = new AnalyzerDriver("")) {
            Instant t = T0.plusSeconds(5);
            Map<String, SpecificRecord> poison = new java.util.LinkedHashMap<>();
            poison.put("database is 1048576 characters", envelope(ref(I, "e1", t), SnapshotStatus.OK, T0.minusSeconds(3600)));
            ((dev.pgvigil.schema.SnapshotInfo) poison.get("database is 1048576 characters")).setDatabase(MB);
            poison.put("xactCommit", databases(ref(I, "d1", t), whole(), db("shop", 5).setXactCommit(-100).build()));
            poison.put("totalExecTimeMs", statements(ref(I, "q1", t), whole(), statement(7, 10, Double.NaN, 1, 0, 1)));
            poison.put("meanExecTimeMs", statements(ref(I, "q2", t), whole(), statement(7, 10, 10, Double.POSITIVE_INFINITY, 0, 1)));
            poison.put("tables holds 100000", tablesAt(t, IntStream.range(0, 100_000).mapToObj(i -> table(i, "t").build()).toArray(TableStat[]::new)));
            poison.put("tableName", tablesAt(t, table(2, MB).build()));
            poison.put("idxScan", indexes(ref(I, "i1", t), whole(), index(3, "orders", "orders_pkey", "id").setIdxScan(-1).build()));
            poison.put("sessions[0].xactAgeSeconds is NaN, not a finite number", activity(ref(I, "a1", t), 3)
                    .setSessions(List.of(Stats.session(10, "active", Double.NaN, List.of()))).build());
            poison.put("byState[active] is -1; a count, size or position is never negative", activity(ref(I, "a2", t), 3)
                    .setByState(Map.of("active", -1)).build());
            poison.put("currentLsn", replication(t).setCurrentLsn(-5L).build());

            for (SpecificRecord record : poison.values()) {
                a.send(record);
            }
            a.baselineRequests.pipeInput(I, MB, t);

            List<TestRecord<String, byte[]>> dead = a.dlq.readRecordsToList();
            List<String> messages = dead.stream().map(PoisonValuesTopologyTest::message).toList();
            // a dead letter must itself fit the topic: a 1 MB value plus the error headers would not
            assertThat(dead).allSatisfy(r -> assertThat(r.value().length + headerBytes(r)).isLessThan(1_000_000));
            assertThat(dead.get(0).headers().lastHeader(PoisonRecords.HEADER_TRUNCATED)).as("the 1 MB envelope was cut").isNotNull();
            assertThat(messages).hasSize(poison.size() + 1);
            List<String> expected = new ArrayList<>(poison.keySet());
            for (int i = 0; i < expected.size(); i++) {
                assertThat(messages.get(i)).as(expected.get(i)).contains(expected.get(i)).hasSizeLessThan(500);
            }
            assertThat(a.violations()).as("nothing of the poison was judged").isEmpty();
            assertThat(a.points()).as("nothing of the poison became a metric").isEmpty();
        }
    }

    @Test
    void aNegativeCounterBetweenTwoGoodRecordsLeavesNoNegativeDeltaAndNoSpike() throws Exception {
        try (AnalyzerDriver a = new AnalyzerDriver("")) {
            a.send(tablesAt(T0, orders().setSeqScan(100).setNTupIns(1_000).build()));
            a.send(tablesAt(T0.plusSeconds(10), orders().setSeqScan(-1_000_000).setNTupIns(-1).build()));
            a.send(tablesAt(T0.plusSeconds(20), orders().setSeqScan(110).setNTupIns(1_100).build()));
            a.send(tablesAt(T0.plusSeconds(30), orders().setSeqScan(120).setNTupIns(1_200).build()));
            a.advanceWallClock(java.time.Duration.ofMinutes(2));

            assertThat(a.dlq.readRecordsToList()).singleElement().satisfies(r -> assertThat(message(r))
                    .contains("tables[0].seqScan is -1000000; a count, size or position is never negative"));
            List<AnalyzerDriver.Point> points = a.points();
            assertThat(points).isNotEmpty().allSatisfy(p -> assertThat(p.value()).as(p.name()).isFinite().isGreaterThanOrEqualTo(0));
            // the rates across the dropped record are the good records' own: 10 scans and 100 inserts in 20 s
            assertThat(AnalyzerDriver.named(points, "table.seq_scans_per_s")).extracting(AnalyzerDriver.Point::value).containsExactly(0.5, 1.0);
            assertThat(AnalyzerDriver.named(points, "table.rows_written_per_s")).extracting(AnalyzerDriver.Point::value).containsExactly(5.0, 10.0);
        }
    }

    private static int headerBytes(TestRecord<String, byte[]> r) {
        int n = 0;
        for (var h : r.headers()) {
            n += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return n;
    }

    private static String message(TestRecord<String, byte[]> r) {
        return new String(r.headers().lastHeader("__streams.errors.message").value(), StandardCharsets.UTF_8);
    }
}

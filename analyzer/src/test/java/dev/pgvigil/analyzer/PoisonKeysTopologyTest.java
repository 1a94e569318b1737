package dev.pgvigil.analyzer;

import static dev.pgvigil.analyzer.AnalyzerDriver.T0;
import static dev.pgvigil.analyzer.Stats.ref;
import static dev.pgvigil.analyzer.Stats.table;
import static dev.pgvigil.analyzer.Stats.tables;
import static dev.pgvigil.analyzer.Stats.whole;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.schema.TablesChunk;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * A valid record under a key that is not its payload's instance is poison: it would update another
 * instance's state. Found by a hostile probe: a stats record of {@code demo} re-sent under the key
 * {@code other-instance\0\n<script>} froze demo and raised a false instance_down for it.
 */
class PoisonKeysTopologyTest {
    private static final String ODD_KEY = "other-instance\0\n<script>";

    @Test
    void aRecordUnderAnotherKeyOrNoKeyGoesToTheDeadLetterTopic() throws Exception {
        try (AnalyzerDriver a = new AnalyzerDriver("")) {
            TablesChunk bloated = tables(ref("demo", "s0", T0), whole(), table(1, "orders").setNLiveTup(50_000).setNDeadTup(50_000).build());
            byte[] bytes = Serdes.tables().serialize(Topics.STATS_TABLES, bloated);
            a.sendRaw(Topics.STATS_TABLES, ODD_KEY, bytes, T0);
            a.sendRaw(Topics.STATS_TABLES, null, bytes, T0);

            assertThat(a.dlq.readRecordsToList()).extracting(TestRecord::key, r -> message(r))
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(ODD_KEY, "the record's key is not its payload's instance 'demo'"),
                            org.assertj.core.groups.Tuple.tuple(null, "the record's key is missing"));
            assertThat(a.violations()).as("nothing of the misrouted records was judged").isEmpty();

            a.send(bloated); // the same record under its own key is analyzed as usual
            assertThat(AnalyzerDriver.of(a.violations(), v -> v.getInstanceId().equals("demo"))).hasSize(1);
            assertThat(a.dlq.readRecordsToList()).isEmpty();
        }
    }

    @Test
    void aPayloadNamingAnInvalidInstanceIsPoisonEvenUnderThatKey() throws Exception {
        try (AnalyzerDriver a = new AnalyzerDriver("")) {
            TablesChunk forged = tables(ref(ODD_KEY, "s0", T0), whole(), table(1, "orders").build());
            a.sendRaw(Topics.STATS_TABLES, ODD_KEY, Serdes.tables().serialize(Topics.STATS_TABLES, forged), T0);
            assertThat(a.dlq.readRecordsToList()).singleElement()
                    .satisfies(r -> assertThat(message(r)).startsWith("the payload's instance id is not 1-128 letters"));
        }
    }

    private static String message(TestRecord<String, byte[]> r) {
        return new String(r.headers().lastHeader("__streams.errors.message").value(), StandardCharsets.UTF_8);
    }
}

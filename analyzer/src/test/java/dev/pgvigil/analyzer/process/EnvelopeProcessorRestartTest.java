package dev.pgvigil.analyzer.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.TopologyNames;
import dev.pgvigil.analyzer.state.InstanceState;
import dev.pgvigil.analyzer.state.StateSerdes;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.SnapshotStatus;
import dev.pgvigil.schema.Violation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Found by the fault drill: an analyzer task that starts on restored state (a restart, or partitions moved to it)
 * has not read what was collected meanwhile, so its instances' last snapshots look old. The wall clock must not call
 * them down for that; it judges them once the task has read an envelope, or after a whole warning window of silence.
 */
class EnvelopeProcessorRestartTest {
    private static final Instant T0 = Instant.parse("2025-03-03T10:00:00Z");

    @Test
    void aTaskStartedOnRestoredStateJudgesSilenceOnlyAfterAWarningWindowOfItsOwn() {
        MockProcessorContext<String, SpecificRecord> context = context();
        KeyValueStore<String, InstanceState> store = context.getStateStore(TopologyNames.INSTANCES_STORE);
        // restored: read every 10 s until T0; the task starts 60 s later (6 intervals: over the warning level of 3)
        InstanceState restored = InstanceState.create("db-1");
        restored.observe(T0.minusSeconds(20).toEpochMilli(), null, null);
        restored.observe(T0.minusSeconds(10).toEpochMilli(), null, null);
        restored.observe(T0.toEpochMilli(), null, null);
        restored.lastSuccessMs = T0.toEpochMilli();
        store.put("db-1", restored);
        context.setCurrentSystemTimeMs(T0.plusSeconds(60).toEpochMilli());

        EnvelopeProcessor processor = new EnvelopeProcessor(AnalyzerConfig.defaults());
        processor.init(context);
        var check = context.scheduledPunctuators().get(0).getPunctuator();

        for (int s = 65; s < 90; s += 5) { // every 5 s, as the stream thread looks
            check.punctuate(T0.plusSeconds(s).toEpochMilli());
        }
        assertThat(violations(context)).as("judged before reading the backlog").isEmpty();

        // nothing comes for a whole warning window (3 intervals of 10 s) after the start: silent for real
        check.punctuate(T0.plusSeconds(60).plus(Duration.ofSeconds(30)).toEpochMilli());
        assertThat(violations(context)).singleElement().satisfies(v -> assertThat(v.getRule()).isEqualTo("instance_down"));
    }

    @Test
    void aStallOfTheTaskItselfIsNotTheInstancesSilence() {
        MockProcessorContext<String, SpecificRecord> context = context();
        context.setCurrentSystemTimeMs(T0.toEpochMilli());
        EnvelopeProcessor processor = new EnvelopeProcessor(AnalyzerConfig.defaults());
        processor.init(context);
        var check = context.scheduledPunctuators().get(0).getPunctuator();
        for (int s = 0; s <= 20; s += 10) {
            envelope(processor, context, T0.plusSeconds(s), T0.plusSeconds(s));
            check.punctuate(T0.plusSeconds(s + 5).toEpochMilli());
        }
        assertThat(violations(context)).isEmpty();

        // the thread is blocked for 60 s (a rebalance waiting for a dead copy's session to time out): no look, no read
        check.punctuate(T0.plusSeconds(85).toEpochMilli());
        assertThat(violations(context)).as("judged before reading what was collected meanwhile").isEmpty();
        // then it reads the backlog, oldest first, and is current again
        for (int s = 30; s <= 80; s += 10) {
            envelope(processor, context, T0.plusSeconds(s), T0.plusSeconds(86 + s / 10));
        }
        check.punctuate(T0.plusSeconds(95).toEpochMilli());
        assertThat(violations(context)).as("never down: collected every 10 s all along").isEmpty();

        // real silence afterwards is still judged: 3 intervals after the last envelope
        for (int s = 100; s <= 125; s += 5) {
            check.punctuate(T0.plusSeconds(s).toEpochMilli());
        }
        assertThat(violations(context)).singleElement().satisfies(v -> assertThat(v.getRule()).isEqualTo("instance_down"));
    }

    private static void envelope(EnvelopeProcessor processor, MockProcessorContext<String, SpecificRecord> context, Instant collectedAt,
                                 Instant readAt) {
        context.setCurrentSystemTimeMs(readAt.toEpochMilli());
        SnapshotInfo info = SnapshotInfo.newBuilder().setRef(new SnapshotRef("db-1", "s" + collectedAt.getEpochSecond(), collectedAt))
                .setStatus(SnapshotStatus.OK).build();
        processor.process(new Record<>("db-1", info, collectedAt.toEpochMilli()));
    }

    private static MockProcessorContext<String, SpecificRecord> context() {
        MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
        KeyValueStore<String, InstanceState> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TopologyNames.INSTANCES_STORE),
                Serdes.String(), StateSerdes.json(InstanceState.class)).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return context;
    }

    private static List<Violation> violations(MockProcessorContext<String, SpecificRecord> context) {
        List<Violation> out = context.forwarded().stream().map(f -> f.record().value()).filter(Violation.class::isInstance)
                .map(Violation.class::cast).toList();
        context.resetForwards();
        return out;
    }
}

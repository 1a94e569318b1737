package dev.pgvigil.analyzer.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.TopologyNames;
import dev.pgvigil.analyzer.state.InstanceState;
import dev.pgvigil.analyzer.state.StateSerdes;
import dev.pgvigil.schema.Violation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
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
        MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
        KeyValueStore<String, InstanceState> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TopologyNames.INSTANCES_STORE),
                Serdes.String(), StateSerdes.json(InstanceState.class)).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
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

        check.punctuate(T0.plusSeconds(65).toEpochMilli());
        assertThat(violations(context)).as("judged before reading the backlog").isEmpty();

        // nothing comes for a whole warning window (3 intervals of 10 s) after the start: silent for real
        check.punctuate(T0.plusSeconds(60).plus(Duration.ofSeconds(30)).toEpochMilli());
        assertThat(violations(context)).singleElement().satisfies(v -> assertThat(v.getRule()).isEqualTo("instance_down"));
    }

    private static List<Violation> violations(MockProcessorContext<String, SpecificRecord> context) {
        List<Violation> out = context.forwarded().stream().map(f -> f.record().value()).filter(Violation.class::isInstance)
                .map(Violation.class::cast).toList();
        context.resetForwards();
        return out;
    }
}

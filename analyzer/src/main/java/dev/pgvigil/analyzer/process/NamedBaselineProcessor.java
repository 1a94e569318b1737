package dev.pgvigil.analyzer.process;

import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.TopologyNames;
import dev.pgvigil.analyzer.baseline.BaselineCapture;
import dev.pgvigil.schema.Baseline;
import dev.pgvigil.schema.BaselineSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request on pgvigil.baseline.requests (key: instance id, value: the baseline's name) → a named
 * baseline of that instance from the latest state; the newest {@code namedBaselinesKept} per instance
 * (a name used again replaces the older one) go out on the compacted pgvigil.baselines.
 */
public final class NamedBaselineProcessor implements Processor<String, String, String, SpecificRecord> {
    private static final Logger log = LoggerFactory.getLogger(NamedBaselineProcessor.class);
    private final AnalyzerConfig config;
    private Outputs outputs;
    private KeyValueStore<String, BaselineSet> named;
    private BaselineCapture.State state;

    public NamedBaselineProcessor(AnalyzerConfig config) {
        this.config = config;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        outputs = new Outputs(context);
        named = context.getStateStore(TopologyNames.NAMED_BASELINES_STORE);
        state = new BaselineCapture.State(context.getStateStore(TopologyNames.INSTANCES_STORE),
                context.getStateStore(TopologyNames.CURSORS_STORE), context.getStateStore(TopologyNames.DATABASES_STORE),
                context.getStateStore(TopologyNames.STATEMENTS_STORE), context.getStateStore(TopologyNames.TABLES_STORE),
                context.getStateStore(TopologyNames.INDEXES_STORE), config.stateBuckets());
    }

    @Override
    public void process(Record<String, String> record) {
        String instanceId = record.key();
        String name = record.value() == null || record.value().isBlank() ? null : record.value().strip();
        if (instanceId == null || name == null) {
            log.warn("ignoring a baseline request without an instance id (key) or a name (value)");
            return;
        }
        Instant at = Instant.ofEpochMilli(record.timestamp());
        Optional<Baseline> baseline = BaselineCapture.capture(state, instanceId, name, at);
        if (baseline.isEmpty()) {
            log.warn("no baseline '{}' for instance {}: the analyzer has no state for it (yet)", name, instanceId);
            return;
        }
        BaselineSet set = named.get(instanceId);
        List<Baseline> kept = new ArrayList<>(set == null ? List.of() : set.getBaselines());
        kept.removeIf(b -> b.getName().equals(name));
        kept.add(baseline.get());
        while (kept.size() > config.namedBaselinesKept()) {
            kept.remove(0);
        }
        BaselineSet updated = new BaselineSet(instanceId, kept);
        named.put(instanceId, updated);
        outputs.baselines(updated, record.timestamp());
    }
}

package dev.pgvigil.analyzer.process;

import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.TopologyNames;
import dev.pgvigil.analyzer.baseline.BaselineCapture;
import dev.pgvigil.rules.baseline.Baseline;
import dev.pgvigil.rules.baseline.BaselineNames;
import dev.pgvigil.schema.BaselineSet;
import dev.pgvigil.schema.Baselines;
import dev.pgvigil.schema.InstanceIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A request on pgvigil.baseline.requests (key: instance id, value: the baseline's name), from the
 * dashboard or {@code pgvigil baseline create} → a named baseline of that instance from the latest state,
 * taken at the request's timestamp; the newest {@code namedBaselinesKept} per instance (a name used again
 * replaces the older one) go out on the compacted pgvigil.baselines, whose only writer this is (the store
 * is its own changelog, so nothing else may write the topic or it would be overwritten).
 *
 * <p>A request with an invalid instance id or name, or for an instance the analyzer has no state of, goes
 * to the dead letter topic as other poison does: the requester sees no baseline appear, an operator sees why.
 */
public final class NamedBaselineProcessor implements Processor<String, String, String, Object> {
    private final AnalyzerConfig config;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, BaselineSet> named;
    private BaselineCapture.State state;

    public NamedBaselineProcessor(AnalyzerConfig config) {
        this.config = config;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        named = context.getStateStore(TopologyNames.NAMED_BASELINES_STORE);
        state = new BaselineCapture.State(context.getStateStore(TopologyNames.INSTANCES_STORE),
                context.getStateStore(TopologyNames.CURSORS_STORE), context.getStateStore(TopologyNames.DATABASES_STORE),
                context.getStateStore(TopologyNames.STATEMENTS_STORE), context.getStateStore(TopologyNames.TABLES_STORE),
                context.getStateStore(TopologyNames.INDEXES_STORE), config.stateBuckets());
    }

    @Override
    public void process(Record<String, String> record) {
        String instanceId = record.key();
        String name = record.value();
        if (!InstanceIds.isValid(instanceId)) {
            reject("the request's key (instance id) is not " + InstanceIds.RULE);
            return;
        }
        if (!BaselineNames.isValid(name)) {
            reject("the baseline name is not " + BaselineNames.RULE);
            return;
        }
        Baseline baseline = BaselineCapture.capture(state, instanceId, name, Instant.ofEpochMilli(record.timestamp())).orElse(null);
        if (baseline == null) {
            reject("the analyzer has no state of instance '" + instanceId + "' (not collected, or not yet)");
            return;
        }
        BaselineSet set = named.get(instanceId);
        List<dev.pgvigil.schema.Baseline> kept = new ArrayList<>(set == null ? List.of() : set.getBaselines());
        kept.removeIf(b -> b.getName().equals(name));
        kept.add(Baselines.toAvro(baseline));
        while (kept.size() > config.namedBaselinesKept()) {
            kept.remove(0);
        }
        BaselineSet updated = new BaselineSet(instanceId, kept);
        named.put(instanceId, updated);
        context.forward(new Record<>(instanceId, (Object) updated, record.timestamp()), TopologyNames.BASELINES_SINK);
    }

    /** Refused: {@link PoisonRecords} sends the request to the dead letter topic, naming why. */
    private static void reject(String why) {
        throw new IllegalArgumentException(why);
    }
}

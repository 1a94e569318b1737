package dev.pgvigil.analyzer.process;

import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.TopologyNames;
import dev.pgvigil.analyzer.state.BaselineHistory;
import dev.pgvigil.rules.Decision;
import dev.pgvigil.rules.RegressionRule;
import dev.pgvigil.rules.Rule;
import dev.pgvigil.rules.Threshold;
import dev.pgvigil.schema.MetricBatch;
import dev.pgvigil.schema.MetricPoint;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Continuous baselines of an instance's key metrics (statement mean time, TPS, cache miss ratio,
 * connections), by hour of day over the last {@code baselineDays} days. When the current interval
 * departs from the same hour's baseline by the {@code regression} factor for its {@code for} duration,
 * a violation with rule {@code regression.<metric>} fires; it resolves when the metric returns.
 */
public final class BaselinesProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    /** A key metric: where it comes from, what it is called in the rule, and which way is news. */
    record KeyMetric(String source, String name, boolean bothWays, boolean invert) {}

    static final Map<String, KeyMetric> KEY_METRICS = Map.of(
            "instance.statement_mean_time_ms", new KeyMetric("instance.statement_mean_time_ms", "statement_mean_time_ms", false, false),
            "instance.tps", new KeyMetric("instance.tps", "tps", true, false),
            // a hit ratio going from 99 % to 90 % is a tenfold miss ratio: compare the misses
            "instance.cache_hit_ratio", new KeyMetric("instance.cache_hit_ratio", "cache_miss_ratio", false, true),
            "instance.connections", new KeyMetric("instance.connections", "connections", false, false));

    private final AnalyzerConfig config;
    private KeyValueStore<String, BaselineHistory> store;
    private Outputs outputs;

    public BaselinesProcessor(AnalyzerConfig config) {
        this.config = config;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.outputs = new Outputs(context);
        this.store = context.getStateStore(TopologyNames.BASELINES_HOURLY_STORE);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        MetricBatch batch = (MetricBatch) record.value();
        for (MetricPoint p : batch.getPoints()) { // the instance's own points (packed series are per entity)
            KeyMetric m = KEY_METRICS.get(p.getName());
            if (m != null && p.getLabels().isEmpty()) {
                judge(batch, m, m.invert() ? 1 - p.getValue() : p.getValue());
            }
        }
    }

    private void judge(MetricBatch batch, KeyMetric m, double value) {
        String instanceId = batch.getInstanceId();
        long atMs = batch.getIntervalEnd().toEpochMilli();
        String key = instanceId + '\u0000' + m.name();
        BaselineHistory history = store.get(key);
        if (history == null) {
            history = new BaselineHistory();
        }
        BaselineHistory.Baseline baseline = history.baselineAt(atMs, config.baselineDays());
        Threshold t = config.rules().forInstance(instanceId).get(Rule.REGRESSION);
        Decision d = RegressionRule.evaluate(m.name(), value, baseline.mean(), baseline.days(), m.bothWays(), t, "instance " + instanceId);
        Subject subject = new Subject("regression." + m.name(), instanceId, instanceId, Map.of("metric", m.name()));
        outputs.judge(history.conditions, subject.rule(), subject, d, t, batch.getIntervalEnd(), batch.getSnapshotId());
        history.add(atMs, value, config.baselineDays());
        store.put(key, history);
    }
}

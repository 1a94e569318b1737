package dev.pgvigil.analyzer.process;

import dev.pgvigil.analyzer.AnalyzerTopology;
import dev.pgvigil.rules.Condition;
import dev.pgvigil.rules.Decision;
import dev.pgvigil.rules.Threshold;
import dev.pgvigil.schema.Finding;
import dev.pgvigil.schema.MetricBatch;
import dev.pgvigil.schema.Severity;
import dev.pgvigil.schema.Violation;
import dev.pgvigil.schema.ViolationState;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Where a processor's results go: metric batches to the metrics topic and to the trend and baseline
 * processors, violations and findings to their topics. Also advances rule conditions and
 * publishes the violation when one fires or resolves, so every processor does it the same way.
 */
public final class Outputs {
    private final ProcessorContext<String, SpecificRecord> context;

    public Outputs(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
    }

    public void metrics(MetricBatch batch, long timestampMs) {
        Record<String, SpecificRecord> r = new Record<>(batch.getInstanceId(), batch, timestampMs);
        context.forward(r, AnalyzerTopology.METRICS_SINK);
        context.forward(r, AnalyzerTopology.TRENDS);
        context.forward(r, AnalyzerTopology.BASELINES);
    }

    public void violation(Violation v, long timestampMs) {
        context.forward(new Record<>(v.getInstanceId(), v, timestampMs), AnalyzerTopology.VIOLATIONS_SINK);
    }

    public void finding(Finding f, long timestampMs) {
        context.forward(new Record<>(f.getInstance(), f, timestampMs), AnalyzerTopology.FINDINGS_SINK);
    }

    /** A batcher of the points of one interval of one instance, flushed through {@link #metrics}. */
    public MetricBatcher batcher(String instanceId, String snapshotId, long intervalStartMs, long intervalEndMs, int maxPoints,
                                 boolean entityMetrics) {
        return new MetricBatcher(instanceId, snapshotId, intervalStartMs, intervalEndMs, maxPoints, entityMetrics, this);
    }

    /**
     * Advances the condition of {@code subject} kept in {@code conditions} under {@code key} by one
     * interval's {@code decision}, and publishes a violation when it fires, changes severity or resolves.
     */
    public void judge(Map<String, Condition> conditions, String key, Subject subject, Decision decision, Threshold t,
                      Instant at, String snapshotId) {
        Condition.Step step = Condition.step(conditions.get(key), decision, t.forIntervals(), at);
        remember(conditions, key, step);
        publish(step, subject, decision, at, snapshotId);
    }

    /** The condition's object is quiet or gone: resolves it if it had fired. */
    public void clear(Map<String, Condition> conditions, String key, Subject subject, String why, Instant at, String snapshotId) {
        Condition previous = conditions.remove(key);
        Condition.Step step = Condition.clear(previous);
        if (step.emits()) {
            Decision quiet = new Decision(null, null, Double.NaN, Double.NaN, false, subject.object() + ": " + why);
            publish(step, subject, quiet, at, snapshotId);
        }
    }

    private static void remember(Map<String, Condition> conditions, String key, Condition.Step step) {
        if (step.next() == null) {
            conditions.remove(key);
        } else {
            conditions.put(key, step.next());
        }
    }

    private void publish(Condition.Step step, Subject subject, Decision decision, Instant at, String snapshotId) {
        if (!step.emits()) {
            return;
        }
        boolean firing = step.event() == Condition.Event.FIRING;
        Violation v = Violation.newBuilder()
                .setFingerprint(subject.fingerprint())
                .setRule(subject.rule())
                .setInstanceId(subject.instanceId())
                .setObject(subject.object())
                .setLabels(subject.labels())
                .setSeverity(Severity.valueOf(step.severity().name()))
                .setState(firing ? ViolationState.FIRING : ViolationState.RESOLVED)
                .setValue(decision.value())
                .setThreshold(decision.threshold())
                .setMessage(firing ? decision.message() : "resolved: " + decision.message())
                .setStartsAt(step.since() == null ? at : step.since())
                .setObservedAt(at)
                .setSnapshotId(snapshotId)
                .build();
        violation(v, at.toEpochMilli());
    }
}

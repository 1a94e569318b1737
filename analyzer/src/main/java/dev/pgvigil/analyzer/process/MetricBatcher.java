package dev.pgvigil.analyzer.process;

import dev.pgvigil.schema.MetricBatch;
import dev.pgvigil.schema.MetricPoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Packs the metric points of one interval of one instance into MetricBatch records of at most
 * {@code maxPoints} points each, so no record nears Kafka's size limit. Non-finite values (a ratio of
 * nothing) are left out rather than published.
 */
public final class MetricBatcher {
    private final String instanceId;
    private final String snapshotId;
    private final long startMs;
    private final long endMs;
    private final int maxPoints;
    private final boolean entityMetrics;
    private final Outputs outputs;
    private List<MetricPoint> points = new ArrayList<>();

    MetricBatcher(String instanceId, String snapshotId, long startMs, long endMs, int maxPoints, boolean entityMetrics, Outputs outputs) {
        this.instanceId = instanceId;
        this.snapshotId = snapshotId;
        this.startMs = startMs;
        this.endMs = endMs;
        this.maxPoints = maxPoints;
        this.entityMetrics = entityMetrics;
        this.outputs = outputs;
    }

    /** False when per-statement, per-table and per-index points are switched off: callers can skip computing them. */
    public boolean entityMetrics() {
        return entityMetrics;
    }

    public void add(String name, Map<String, String> labels, double value) {
        if (!Double.isFinite(value) || (!entityMetrics && isEntityMetric(name))) {
            return;
        }
        points.add(new MetricPoint(name, labels, value));
        if (points.size() >= maxPoints) {
            flush();
        }
    }

    private static boolean isEntityMetric(String name) {
        return name.startsWith("statement.") || name.startsWith("table.") || name.startsWith("index.");
    }

    public void flush() {
        if (points.isEmpty()) {
            return;
        }
        MetricBatch batch = new MetricBatch(instanceId, snapshotId, Instant.ofEpochMilli(startMs), Instant.ofEpochMilli(endMs), points);
        points = new ArrayList<>();
        outputs.metrics(batch, endMs);
    }
}

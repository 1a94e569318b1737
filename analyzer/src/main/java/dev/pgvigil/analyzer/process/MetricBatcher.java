package dev.pgvigil.analyzer.process;

import dev.pgvigil.schema.MetricBatch;
import dev.pgvigil.schema.MetricPoint;
import dev.pgvigil.schema.MetricSeries;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * Packs the metric points of one interval of one instance into MetricBatch records of at most
 * {@code maxPoints} points each, so no record nears Kafka's size limit. Instance and database points go
 * one by one; an entity's points (a statement's, a table's, an index's) go packed as one series, its
 * labels written once. Non-finite values (a ratio of nothing) are left out rather than published.
 */
public final class MetricBatcher {

    /** The metrics of one kind of entity, in the order a processor gives their values. */
    public record EntityMetrics(List<String> names) {
        public static EntityMetrics of(String... names) {
            return new EntityMetrics(List.of(names));
        }
    }

    private final String instanceId;
    private final String snapshotId;
    private final long startMs;
    private final long endMs;
    private final int maxPoints;
    private final boolean entityMetrics;
    private final Outputs outputs;
    private List<MetricPoint> points = new ArrayList<>();
    private EntityMetrics seriesKind;
    private List<MetricSeries> series = new ArrayList<>();

    MetricBatcher(String instanceId, String snapshotId, long startMs, long endMs, int maxPoints, boolean entityMetrics, Outputs outputs) {
        this.instanceId = instanceId;
        this.snapshotId = snapshotId;
        this.startMs = startMs;
        this.endMs = endMs;
        this.maxPoints = maxPoints;
        this.entityMetrics = entityMetrics;
        this.outputs = outputs;
    }

    /** An instance or database point. */
    public void add(String name, Map<String, String> labels, double value) {
        if (!Double.isFinite(value)) {
            return;
        }
        points.add(new MetricPoint(name, labels, value));
        flushIfFull();
    }

    /**
     * The points of one entity of {@code kind}: a value per name of {@code kind}, NaN for none this
     * interval. Nothing when per-entity points are switched off ({@code entityMetrics: false}).
     */
    public void add(EntityMetrics kind, Map<String, String> labels, double... values) {
        if (!entityMetrics) {
            return;
        }
        if (values.length != kind.names().size()) {
            throw new IllegalArgumentException(values.length + " values for " + kind.names());
        }
        if (seriesKind != null && !seriesKind.equals(kind)) {
            flush(); // a batch names the metrics of one kind
        }
        seriesKind = kind;
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                values[i] = Double.NaN;
            }
        }
        series.add(new MetricSeries(labels, new Doubles(values)));
        flushIfFull();
    }

    private void flushIfFull() {
        if (points.size() + (seriesKind == null ? 0 : series.size() * seriesKind.names().size()) >= maxPoints) {
            flush();
        }
    }

    public void flush() {
        if (points.isEmpty() && series.isEmpty()) {
            return;
        }
        MetricBatch batch = new MetricBatch(instanceId, snapshotId, Instant.ofEpochMilli(startMs), Instant.ofEpochMilli(endMs), points,
                series.isEmpty() ? List.of() : seriesKind.names(), series);
        points = new ArrayList<>();
        series = new ArrayList<>();
        seriesKind = null;
        outputs.metrics(batch, endMs);
    }

    /** A list view of the values, boxed one at a time as the encoder reads them. */
    private static final class Doubles extends AbstractList<Double> implements RandomAccess {
        private final double[] values;

        Doubles(double[] values) {
            this.values = values;
        }

        @Override
        public Double get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }
}

package dev.pgvigil.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@link MetricBatch} as what it carries: points (name, labels, value), whether a point is
 * written on its own or packed with the other metrics of its entity in a {@link MetricSeries}.
 */
public final class MetricBatches {
    private MetricBatches() {}

    /** Receives one point; {@code labels} is the same map object for every point of one entity. */
    @FunctionalInterface
    public interface PointVisitor {
        void point(String name, Map<String, String> labels, double value);
    }

    /** Every point of the batch: the single ones, then the packed ones (a NaN value is no point). */
    public static void forEachPoint(MetricBatch batch, PointVisitor visitor) {
        for (MetricPoint p : batch.getPoints()) {
            visitor.point(p.getName(), p.getLabels(), p.getValue());
        }
        List<String> names = batch.getSeriesNames();
        for (MetricSeries s : batch.getSeries()) {
            List<Double> values = s.getValues();
            for (int i = 0; i < values.size() && i < names.size(); i++) {
                double v = values.get(i);
                if (!Double.isNaN(v)) {
                    visitor.point(names.get(i), s.getLabels(), v);
                }
            }
        }
    }

    /** Every point of the batch as a list, for tests and tools that want them one by one. */
    public static List<MetricPoint> points(MetricBatch batch) {
        List<MetricPoint> out = new ArrayList<>(batch.getPoints().size() + batch.getSeries().size() * batch.getSeriesNames().size());
        forEachPoint(batch, (name, labels, value) -> out.add(new MetricPoint(name, labels, value)));
        return out;
    }
}

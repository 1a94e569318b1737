package dev.pgvigil.web;

import dev.pgvigil.web.DashboardData.Series;
import dev.pgvigil.web.DashboardData.SeriesPoint;
import java.util.Comparator;
import java.util.List;

/**
 * "The worst N": the series with the highest peak (largest window average) in the range, for charts
 * of the slowest statements or the tables with the most dead rows.
 */
final class SeriesRanking {
    private SeriesRanking() {}

    static List<Series> top(List<Series> series, int limit) {
        return series.stream()
                .filter(s -> !s.points().isEmpty())
                .sorted(Comparator.comparingDouble(SeriesRanking::peak).reversed()
                        .thenComparing(s -> s.labels().toString()))
                .limit(limit)
                .toList();
    }

    static double peak(Series series) {
        return series.points().stream().mapToDouble(SeriesPoint::avg).max().orElse(Double.NEGATIVE_INFINITY);
    }
}

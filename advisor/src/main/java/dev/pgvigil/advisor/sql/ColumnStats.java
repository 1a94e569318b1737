package dev.pgvigil.advisor.sql;

import java.util.List;

/**
 * What {@code pg_stats} knows about one column: share of NULLs, number of distinct values (negative: a
 * fraction of the rows, as in pg_stats), the most common values with their frequencies, and histogram bounds.
 */
public record ColumnStats(String column, double nullFraction, double nDistinct, List<String> mostCommonValues,
                          List<Double> mostCommonFrequencies, List<String> histogramBounds) {
    public ColumnStats {
        mostCommonValues = mostCommonValues == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(mostCommonValues));
        mostCommonFrequencies = mostCommonFrequencies == null ? List.of() : List.copyOf(mostCommonFrequencies);
        histogramBounds = histogramBounds == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(histogramBounds));
    }

    /** Distinct values for a table of {@code rows} rows, at least 1. */
    public double distinctValues(double rows) {
        double d = nDistinct >= 0 ? nDistinct : -nDistinct * rows;
        return Math.max(1, d);
    }
}

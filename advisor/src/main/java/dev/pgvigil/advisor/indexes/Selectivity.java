package dev.pgvigil.advisor.indexes;

import dev.pgvigil.catalogue.ask.ColumnStats;
import java.util.List;

/**
 * How much of a table a predicate returns, from pg_stats. An index pays off only when it returns a small
 * share of the rows; beyond roughly a tenth, reading the whole table in order is cheaper.
 */
public final class Selectivity {
    private Selectivity() {}

    /** PostgreSQL's default for {@code col > $1} with an unknown value (DEFAULT_INEQ_SEL). */
    public static final double ONE_SIDED_RANGE = 1.0 / 3;
    /** PostgreSQL's default for {@code col BETWEEN $1 AND $2} with unknown values (DEFAULT_RANGE_INEQ_SEL). */
    public static final double BOUNDED_RANGE = 0.005;

    /**
     * The expected share of rows an equality lookup returns when the looked-up values are distributed like the
     * data: the sum of the squared value frequencies. The most common values count with their own frequency,
     * the rest is spread evenly over the remaining distinct values. A boolean split 50/50 gives 0.5, a status
     * with 90 % 'active' gives 0.82, a unique column 1/rows.
     */
    public static double equality(ColumnStats stats, double tableRows) {
        double distinct = stats.distinctValues(tableRows);
        List<Double> freqs = stats.mostCommonFrequencies();
        double mcvShare = 0;
        double sumOfSquares = 0;
        for (double f : freqs) {
            mcvShare += f;
            sumOfSquares += f * f;
        }
        double rest = Math.max(0, 1 - stats.nullFraction() - mcvShare);
        double otherDistinct = Math.max(1, distinct - freqs.size());
        return clamp(sumOfSquares + rest * rest / otherDistinct);
    }

    public static double range(boolean bounded) {
        return bounded ? BOUNDED_RANGE : ONE_SIDED_RANGE;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }
}

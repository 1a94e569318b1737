package dev.pgvigil.rules;

import dev.pgvigil.common.text.Human;

/**
 * How far the current interval of a key metric departs from its baseline (the mean of the same hour
 * over recent days). The value is a factor ≥ 1: current / baseline when higher is worse, and for
 * metrics where both ways are news (throughput) the larger of current / baseline and baseline / current.
 */
public final class RegressionRule {
    private RegressionRule() {}

    public static Decision evaluate(String metric, double current, double baselineMean, int baselineDays, boolean bothWays,
                                    Threshold t, String subject) {
        String what = subject + " " + metric;
        if (baselineDays < t.minEvidence()) {
            return Decision.noEvidence(Rule.REGRESSION, t, Double.NaN, what, baselineDays + " days of baseline, need " + (long) t.minEvidence());
        }
        if (!(baselineMean > 0) || !(current >= 0) || (bothWays && current == 0 && baselineMean == 0)) {
            return Decision.noEvidence(Rule.REGRESSION, t, Double.NaN, what, "no baseline activity to compare with");
        }
        double up = current / baselineMean;
        double factor = bothWays ? (current == 0 ? Double.POSITIVE_INFINITY : Math.max(up, baselineMean / current)) : up;
        Decision d = Decision.judge(Rule.REGRESSION, t, factor, what);
        return d.withMessage(m -> m + " (now " + Human.number(current, 2) + ", baseline " + Human.number(baselineMean, 2) + " over " + baselineDays + " days)");
    }
}

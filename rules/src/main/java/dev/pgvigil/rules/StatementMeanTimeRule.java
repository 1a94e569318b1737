package dev.pgvigil.rules;

import dev.pgvigil.common.text.Human;
import java.util.List;
import java.util.Optional;

/**
 * A statement's mean execution time over one interval, Δtotal_exec_time / Δcalls, with its standard
 * deviation recovered from the cumulative mean and stddev of pg_stat_statements through the sum of
 * squares, and a p95 estimate from both.
 */
public final class StatementMeanTimeRule {
    private StatementMeanTimeRule() {}

    /** z of the 95th percentile of a normal distribution. */
    private static final double Z95 = 1.6449;

    /** Cumulative pg_stat_statements figures of one queryid at one moment (times in ms). */
    public record Sample(long calls, double totalTimeMs, double meanTimeMs, double stddevTimeMs, double maxTimeMs) {
        /** Σx² of all calls: pg_stat_statements' stddev is the population one, so Σx² = n(σ² + μ²). */
        double sumOfSquares() {
            return calls * (stddevTimeMs * stddevTimeMs + meanTimeMs * meanTimeMs);
        }
    }

    /** The calls of one interval: how many, their total, mean, standard deviation and p95 estimate. */
    public record Interval(long calls, double totalTimeMs, double meanTimeMs, double stddevTimeMs, double p95TimeMs) {}

    /** The interval between two samples, or empty when the counters went backwards (reset or eviction). */
    public static Optional<Interval> interval(Sample previous, Sample current) {
        var calls = CounterDelta.of(previous.calls(), current.calls());
        var total = CounterDelta.of(previous.totalTimeMs(), current.totalTimeMs());
        if (calls.isEmpty() || total.isEmpty()) {
            return Optional.empty();
        }
        long n = calls.getAsLong();
        if (n == 0) {
            return Optional.of(new Interval(0, 0, 0, 0, 0));
        }
        double sum = total.getAsDouble();
        double mean = sum / n;
        double sumSq = current.sumOfSquares() - previous.sumOfSquares();
        // cancellation between two large sums can leave a small negative variance: that is a variance of 0
        double variance = Math.max(0, sumSq / n - mean * mean);
        double stddev = Math.sqrt(variance);
        double p95 = mean + Z95 * stddev;
        if (current.maxTimeMs() >= mean) {
            p95 = Math.min(p95, current.maxTimeMs()); // no call of the interval took longer than the maximum ever seen
        }
        return Optional.of(new Interval(n, sum, mean, stddev, p95));
    }

    /** Judges the interval's mean time; fewer calls than {@code minEvidence} are not evidence. */
    public static Decision evaluate(Interval interval, Threshold t, String subject) {
        if (interval.calls() == 0 || interval.calls() < t.minEvidence()) {
            return Decision.noEvidence(Rule.STATEMENT_MEAN_TIME, t, interval.meanTimeMs(), subject,
                    () -> Human.count(interval.calls()) + " calls, need " + Human.count((long) t.minEvidence()));
        }
        return Decision.judge(Rule.STATEMENT_MEAN_TIME, t, interval.meanTimeMs(), subject)
                .withMessage(m -> m + ", p95 ~" + Human.millis(interval.p95TimeMs()) + " over " + Human.count(interval.calls()) + " calls");
    }

    /** A slow-query finding for a firing decision; {@code query} may be null when the role may not read it. */
    public static Optional<Finding> finding(String instance, long queryId, String query, Decision d) {
        if (!d.firing()) {
            return Optional.empty();
        }
        String text = query == null ? "" : " Query: " + Text.abbreviate(query, 300);
        String counters = "SELECT * FROM pg_stat_statements WHERE queryid = " + queryId + ";";
        return Optional.of(new Finding(FindingKind.SLOW_QUERY, d.severity(), instance, "queryid " + queryId, d.message() + "." + text,
                "Look at its plan with EXPLAIN (ANALYZE, BUFFERS) on a representative call, and check for missing indexes "
                        + "or too many rows read; its counters: " + counters, List.of(counters)));
    }
}

package dev.pgvigil.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pgvigil.rules.StatementMeanTimeRule.Interval;
import dev.pgvigil.rules.StatementMeanTimeRule.Sample;
import org.junit.jupiter.api.Test;

class StatementMeanTimeRuleTest {
    private final Threshold t = Rule.STATEMENT_MEAN_TIME.defaults(); // > 100 ms, > 500 ms, 5 calls

    /** The cumulative figures pg_stat_statements would show after these call times. */
    private static Sample cumulative(double... timesMs) {
        double sum = 0, sumSq = 0, max = 0;
        for (double x : timesMs) {
            sum += x;
            sumSq += x * x;
            max = Math.max(max, x);
        }
        int n = timesMs.length;
        double mean = sum / n;
        return new Sample(n, sum, mean, Math.sqrt(sumSq / n - mean * mean), max);
    }

    @Test
    void intervalMeanAndStddevComeFromTheDeltasNotTheCumulativeMean() {
        // 4 fast calls before, then 4 calls of 200, 200, 400, 400 ms in the interval
        Sample before = cumulative(1, 1, 1, 1);
        Sample after = cumulative(1, 1, 1, 1, 200, 200, 400, 400);
        Interval i = StatementMeanTimeRule.interval(before, after).orElseThrow();
        assertThat(i.calls()).isEqualTo(4);
        assertThat(i.totalTimeMs()).isCloseTo(1200, within(1e-9));
        assertThat(i.meanTimeMs()).isCloseTo(300, within(1e-9));
        assertThat(i.stddevTimeMs()).isCloseTo(100, within(1e-6));
        assertThat(i.p95TimeMs()).isCloseTo(400, within(1e-6)); // 300 + 1.645*100 = 464, capped by the max of 400
        assertThat(after.meanTimeMs()).isCloseTo(150.5, within(1e-9)); // what a cumulative rule would have judged
    }

    @Test
    void p95EstimateUsesTheIntervalSpread() {
        Sample before = cumulative(10, 10);
        Sample after = cumulative(10, 10, 90, 110, 100, 100, 1000);
        Interval i = StatementMeanTimeRule.interval(before, after).orElseThrow();
        assertThat(i.meanTimeMs()).isCloseTo(280, within(1e-9));
        assertThat(i.p95TimeMs()).isGreaterThan(i.meanTimeMs()).isLessThanOrEqualTo(1000);
    }

    @Test
    void counterResetGivesNoInterval() {
        Sample before = cumulative(5, 5, 5, 5, 5);
        Sample afterReset = cumulative(700);
        assertThat(StatementMeanTimeRule.interval(before, afterReset)).isEmpty();
    }

    @Test
    void noCallsIsNoEvidence() {
        Sample s = cumulative(300, 300);
        Interval i = StatementMeanTimeRule.interval(s, s).orElseThrow();
        assertThat(i.calls()).isZero();
        Decision d = StatementMeanTimeRule.evaluate(i, t, "queryid 42");
        assertThat(d.evidence()).isFalse();
        assertThat(d.firing()).isFalse();
    }

    @Test
    void tooFewCallsAreNoEvidenceEvenIfSlow() {
        Decision d = StatementMeanTimeRule.evaluate(new Interval(4, 4000, 1000, 0, 1000), t, "queryid 42");
        assertThat(d.firing()).isFalse();
        assertThat(d.evidence()).isFalse();
    }

    @Test
    void levelsAndTheExactThreshold() {
        assertThat(StatementMeanTimeRule.evaluate(new Interval(10, 1000, 100, 0, 100), t, "q").firing()).isFalse();
        Decision warn = StatementMeanTimeRule.evaluate(new Interval(10, 1500, 150, 10, 170), t, "queryid 42");
        assertThat(warn.severity()).isEqualTo(Severity.WARNING);
        assertThat(warn.message()).contains("queryid 42", "150 ms", "p95", "10 calls");
        assertThat(StatementMeanTimeRule.evaluate(new Interval(10, 6000, 600, 0, 600), t, "q").severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void slowQueryFindingCarriesTheQueryAndHowToLook() {
        Decision d = StatementMeanTimeRule.evaluate(new Interval(10, 6000, 600, 0, 600), t, "queryid 42");
        Finding f = StatementMeanTimeRule.finding("i1", 42, "SELECT pg_sleep($1)", d).orElseThrow();
        assertThat(f.kind()).isEqualTo(FindingKind.SLOW_QUERY);
        assertThat(f.detail()).contains("pg_sleep");
        assertThat(f.recommendation()).contains("EXPLAIN", "queryid = 42");
    }
}

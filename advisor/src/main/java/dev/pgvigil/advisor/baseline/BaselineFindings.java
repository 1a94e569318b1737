package dev.pgvigil.advisor.baseline;

import dev.pgvigil.common.text.Human;
import dev.pgvigil.rules.Decision;
import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.FindingKind;
import dev.pgvigil.rules.RegressionRule;
import dev.pgvigil.rules.Rule;
import dev.pgvigil.rules.Text;
import dev.pgvigil.rules.Threshold;
import dev.pgvigil.rules.baseline.BaselineComparison;
import java.util.ArrayList;
import java.util.List;

/** {@code slow_query} findings for statements whose mean time grew since a baseline by the regression rule's factor. */
final class BaselineFindings {
    private BaselineFindings() {}

    static List<Finding> of(BaselineComparison c, String instance) {
        Threshold defaults = Rule.REGRESSION.defaults();
        // one baseline is the evidence here: the rule's days-of-baseline guard does not apply
        Threshold t = new Threshold(defaults.enabled(), defaults.warning(), defaults.critical(), 1, 0);
        List<Finding> findings = new ArrayList<>();
        for (BaselineComparison.StatementChange s : c.statements()) {
            Double then = s.meanTimeMs().baseline(), now = s.meanTimeMs().now();
            if (then == null || now == null) {
                continue;
            }
            Decision d = RegressionRule.evaluate("mean time", now, then, 0, false, t, "statement " + s.queryId());
            if (d.firing()) {
                findings.add(new Finding(FindingKind.SLOW_QUERY, d.severity(), instance, "queryid " + s.queryId(),
                        "mean time " + Human.millis(now) + " against " + Human.millis(then) + " in baseline '"
                                + c.baselineName() + "' (" + Human.number(d.value(), 1) + "x): " + Text.abbreviate(s.query() == null ? "" : s.query(), 120),
                        "Compare the plans: pgvigil explain --query-id " + s.queryId() + " --analyze; look for changed data volume,"
                                + " stale statistics (ANALYZE) or a dropped index"));
            }
        }
        return findings;
    }
}

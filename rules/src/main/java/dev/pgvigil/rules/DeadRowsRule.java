package dev.pgvigil.rules;

import dev.pgvigil.common.text.Human;

/** Dead rows of a table as a share of all its rows (live + dead); small tables are not evidence. */
public final class DeadRowsRule {
    private DeadRowsRule() {}

    /** Dead rows as a share of live + dead rows: the value this rule judges; 0 for an empty table. */
    public static double share(long liveRows, long deadRows) {
        long rows = Math.max(0, liveRows) + Math.max(0, deadRows);
        return rows == 0 ? 0 : (double) Math.max(0, deadRows) / rows;
    }

    public static Decision evaluate(long liveRows, long deadRows, Threshold t, String subject) {
        long rows = Math.max(0, liveRows) + Math.max(0, deadRows);
        double ratio = share(liveRows, deadRows);
        if (rows == 0 || rows < t.minEvidence()) {
            return Decision.noEvidence(Rule.DEAD_ROWS, t, ratio, subject,
                    () -> Human.count(rows) + " rows, need " + Human.count((long) t.minEvidence()));
        }
        return Decision.judge(Rule.DEAD_ROWS, t, ratio, subject);
    }
}

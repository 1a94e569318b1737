package dev.pgvigil.rules;

import java.util.Locale;

/**
 * How far a standby is behind: its replay lag in seconds and in bytes of WAL, either beyond its levels
 * fires {@link Rule#REPLICATION_LAG}. Time lag is judged only while WAL is being written: with nothing
 * written, no replay timestamp moves, and a standby that has replayed everything would seem to fall
 * further behind by the minute. Byte lag is judged always.
 */
public final class ReplicationLagRule {
    private ReplicationLagRule() {}

    /**
     * @param lagSeconds the replay lag in seconds, null when unknown (pg_stat_replication's replay_lag is null once
     *     a standby has caught up)
     * @param lagBytes WAL not replayed yet, null when unknown
     * @param walMoving WAL was written (or is waiting to be replayed) in the interval: only then is time lag evidence
     */
    public static Decision evaluate(Double lagSeconds, Long lagBytes, boolean walMoving, Threshold seconds, Threshold bytes, String subject) {
        boolean timeCounts = walMoving && lagSeconds != null;
        Severity bySeconds = timeCounts ? seconds.classify(Rule.REPLICATION_LAG.direction(), lagSeconds) : null;
        Severity byBytes = lagBytes == null ? null : bytes.classify(Rule.REPLICATION_LAG_BYTES.direction(), lagBytes);
        if (!timeCounts && lagBytes == null) {
            return Decision.noEvidence(Rule.REPLICATION_LAG, seconds, Double.NaN, subject, "no WAL written and no byte position known");
        }
        // the measure that decided is the value; time first when both agree, it is what people read
        boolean bytesDecide = byBytes != null && (bySeconds == null || byBytes.ordinal() > bySeconds.ordinal()) || !timeCounts;
        Severity severity = worse(bySeconds, byBytes);
        double value = bytesDecide ? lagBytes : lagSeconds;
        Threshold t = bytesDecide ? bytes : seconds;
        Rule measure = bytesDecide ? Rule.REPLICATION_LAG_BYTES : Rule.REPLICATION_LAG;
        double level = t.levelOf(severity);
        return new Decision(Rule.REPLICATION_LAG, severity, value, level, true, () -> {
            StringBuilder m = new StringBuilder(subject).append(": replay lag ");
            m.append(timeCounts ? Rule.REPLICATION_LAG.unit().format(lagSeconds) : lagSeconds == null ? "unknown" : "not judged (no WAL written)");
            if (lagBytes != null) {
                m.append(", ").append(Unit.BYTES.format(lagBytes)).append(" of WAL not replayed");
            }
            if (severity != null) {
                m.append(" (").append(severity.name().toLowerCase(Locale.ROOT)).append(" above ").append(measure.unit().format(level)).append(')');
            }
            return m.toString();
        });
    }

    private static Severity worse(Severity a, Severity b) {
        if (a == null) {
            return b;
        }
        return b == null || a.ordinal() >= b.ordinal() ? a : b;
    }
}

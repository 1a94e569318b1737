package dev.pgvigil.rules;

import dev.pgvigil.common.text.Human;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An index nobody scans costs writes and space. It is only called unused when the statistics are old
 * enough to have seen the workload ({@code minEvidence} days), and never when it is unique, a primary
 * key or backs a constraint: those work without being scanned.
 */
public final class UnusedIndexRule {
    private UnusedIndexRule() {}

    /**
     * {@code statsSince} is when the index's counters started: the database's stats reset, or when unknown
     * the postmaster start (a lower bound on the age); null when neither is known (then no finding).
     */
    public static Optional<Finding> evaluate(String instance, IndexInfo index, Instant statsSince, Instant now, Threshold t) {
        if (!t.enabled() || index.unique() || index.primary() || index.backsConstraint() || !index.valid() || statsSince == null) {
            return Optional.empty();
        }
        Duration age = Duration.between(statsSince, now);
        if (age.toMillis() < t.minEvidence() * 86_400_000L) {
            return Optional.empty();
        }
        Severity s = t.classify(Rule.UNUSED_INDEX.direction(), index.scans());
        if (s == null) {
            return Optional.empty();
        }
        String detail = "Index " + index.object() + " on " + index.schema() + "." + index.table() + " (" + Human.bytes(index.sizeBytes())
                + ") has " + Human.count(index.scans()) + " scans in " + Human.duration(age) + " of statistics (since " + statsSince + ").";
        String drop = "DROP INDEX CONCURRENTLY " + index.qualifiedName() + ";";
        return Optional.of(new Finding(FindingKind.UNUSED_INDEX, s, instance, index.object(), detail,
                "If no rare job (month-end report, replica queries) needs it: " + drop, List.of(drop)));
    }
}

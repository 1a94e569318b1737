package dev.pgvigil.rules;

import dev.pgvigil.common.text.Human;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A table that needs a vacuum: dead rows over the {@code dead_rows} levels, with the estimated bloat
 * (the heap's share of dead rows) and the time since its last vacuum of either kind.
 */
public final class VacuumRule {
    private VacuumRule() {}

    /** Bytes of the heap taken by dead rows, assuming dead and live rows are of one size. */
    public static long estimatedBloatBytes(TableInfo t) {
        return Math.round(t.heapSizeBytes() * DeadRowsRule.share(t.liveRows(), t.deadRows()));
    }

    public static Optional<Finding> evaluate(String instance, TableInfo table, Instant now, Threshold deadRows) {
        Decision d = DeadRowsRule.evaluate(table.liveRows(), table.deadRows(), deadRows, table.object());
        if (!d.firing()) {
            return Optional.empty();
        }
        Instant last = table.lastAnyVacuum();
        String since = last == null ? "never vacuumed" : "last vacuumed " + Human.duration(Duration.between(last, now)) + " ago";
        String detail = "Table " + table.object() + " has " + Human.count(table.deadRows()) + " dead rows (" + Human.percent(d.value())
                + " of its rows), about " + Human.bytes(estimatedBloatBytes(table)) + " of its " + Human.bytes(table.heapSizeBytes())
                + " heap; " + since + (table.autovacuumDisabled() ? "; autovacuum is disabled for it" : "") + ".";
        String vacuum = "VACUUM (ANALYZE) " + table.qualifiedName() + ";";
        String rec;
        String after;
        if (table.autovacuumDisabled()) {
            after = "ALTER TABLE " + table.qualifiedName() + " RESET (autovacuum_enabled);";
            rec = vacuum + " Then let autovacuum look after it again: " + after;
        } else {
            after = "ALTER TABLE " + table.qualifiedName() + " SET (autovacuum_vacuum_scale_factor = 0.05);";
            rec = vacuum + " If it comes back, vacuum it sooner: " + after;
        }
        return Optional.of(new Finding(FindingKind.VACUUM_OVERDUE, d.severity(), instance, table.object(), detail, rec, List.of(vacuum, after)));
    }
}

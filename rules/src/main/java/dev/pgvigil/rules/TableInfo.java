package dev.pgvigil.rules;

import java.time.Instant;
import java.util.List;

/** A table as the maintenance rules see it: row counts, heap size, last (auto)vacuum, reloptions. */
public record TableInfo(String schema, String table, long liveRows, long deadRows, long heapSizeBytes,
                        Instant lastVacuum, Instant lastAutovacuum, List<String> reloptions) {
    public TableInfo {
        reloptions = reloptions == null ? List.of() : List.copyOf(reloptions);
    }

    public String qualifiedName() {
        return Sql.qualified(schema, table);
    }

    public String object() {
        return schema + "." + table;
    }

    /** The later of the last manual and automatic vacuum, or null when never vacuumed. */
    public Instant lastAnyVacuum() {
        if (lastVacuum == null) {
            return lastAutovacuum;
        }
        return lastAutovacuum == null || lastVacuum.isAfter(lastAutovacuum) ? lastVacuum : lastAutovacuum;
    }

    public boolean autovacuumDisabled() {
        return reloptions.stream().anyMatch(o -> o.replace(" ", "").equalsIgnoreCase("autovacuum_enabled=false")
                || o.replace(" ", "").equalsIgnoreCase("autovacuum_enabled=off"));
    }
}

package dev.pgvigil.catalogue.read;

import dev.pgvigil.schema.ActivitySnapshot;
import dev.pgvigil.schema.DatabaseStat;
import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.ReplicationSnapshot;
import dev.pgvigil.schema.Setting;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.StatementStat;
import dev.pgvigil.schema.TableStat;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one cycle read from one instance. A null list means that kind could not be read this time (see
 * warnings), which is not the same as an empty one.
 */
public record Snapshot(
        SnapshotRef ref,
        ServerInfo server,
        boolean statementsAvailable,
        Instant statementsResetAt,
        List<DatabaseStat> databases,
        List<StatementStat> statements,
        List<TableStat> tables,
        List<IndexStat> indexes,
        ActivitySnapshot activity,
        List<Setting> settings,
        List<String> warnings,
        Duration readTime,
        ReplicationSnapshot replication) {

    public Snapshot {
        warnings = List.copyOf(warnings);
    }

    /** Every reader ran and pg_stat_statements was there. */
    public boolean complete() {
        return warnings.isEmpty();
    }
}

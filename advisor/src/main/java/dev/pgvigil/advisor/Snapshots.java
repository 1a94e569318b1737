package dev.pgvigil.advisor;

import dev.pgvigil.catalogue.read.DatabaseScope;
import dev.pgvigil.catalogue.read.ActivityReader;
import dev.pgvigil.catalogue.read.Snapshot;
import dev.pgvigil.catalogue.read.ReadListener;
import dev.pgvigil.catalogue.read.SnapshotReader;
import dev.pgvigil.schema.SnapshotRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/** One snapshot of the connected database, read by the collector's readers exactly as the collector reads it. */
public final class Snapshots {
    /** Long enough to parse any statement worth looking at. */
    public static final int QUERY_TEXT_MAX = 20_000;
    /** Sessions listed: enough for a terminal report. */
    private static final ActivityReader.Options ACTIVITY = new ActivityReader.Options(50, 5, 500);

    private Snapshots() {}

    public static Snapshot take(Connection c, String instance) throws SQLException {
        SnapshotRef ref = new SnapshotRef(instance, UUID.randomUUID().toString(), Instant.now());
        SnapshotReader reader = new SnapshotReader(new SnapshotReader.Options(QUERY_TEXT_MAX, ACTIVITY), DatabaseScope.ALL);
        return reader.read(c, ref, reader.server(c), ReadListener.NONE);
    }
}

package dev.pgvigil.catalogue.read;

import dev.pgvigil.schema.ActivitySnapshot;
import dev.pgvigil.schema.DatabaseStat;
import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.ReplicationSnapshot;
import dev.pgvigil.schema.Setting;
import dev.pgvigil.schema.StatementStat;
import dev.pgvigil.schema.TableStat;
import java.time.Instant;
import java.util.List;

/**
 * Told of each kind the moment it is read (and only if it could be), so its records can be built while
 * the next query runs on the server. Called on the reading thread, in reading order.
 */
public interface ReadListener {
    ReadListener NONE = new ReadListener() {};

    /**
     * @param countedAt when the server counted them: the snapshot's time, or just before it when a reader of another
     *     database of the same cluster read them for both (see {@link ClusterStatements})
     */
    default void statements(List<StatementStat> statements, Instant countedAt) {}

    default void indexes(List<IndexStat> indexes) {}

    default void tables(List<TableStat> tables) {}

    default void databases(List<DatabaseStat> databases) {}

    default void activity(ActivitySnapshot activity) {}

    default void settings(List<Setting> settings) {}

    default void replication(ReplicationSnapshot replication) {}
}

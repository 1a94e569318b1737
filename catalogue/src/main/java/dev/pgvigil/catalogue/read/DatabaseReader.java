package dev.pgvigil.catalogue.read;

import dev.pgvigil.schema.DatabaseStat;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** pg_stat_database of the target's databases, with their size and freeze age. */
public final class DatabaseReader {
    /**
     * The shared-objects row (datname null) is not a database. Same columns from PostgreSQL 13 to 17. The
     * scope is applied in SQL because pg_database_size walks a database's directory: a cluster of 250
     * databases watched one target each would otherwise stat every file of all 250 on every target's cycle.
     * The first parameter: the databases whose size is known (oid[]), which are not measured (see {@link SizeCache}).
     */
    static final String SQL = """
            SELECT /* pgvigil */ s.datid, s.datname, s.numbackends, s.xact_commit, s.xact_rollback,
                   s.blks_read, s.blks_hit, s.tup_returned, s.tup_fetched, s.tup_inserted, s.tup_updated, s.tup_deleted,
                   s.conflicts, s.temp_files, s.temp_bytes, s.deadlocks, s.blk_read_time, s.blk_write_time, s.stats_reset,
                   CASE WHEN d.oid = ANY (?::bigint[]::oid[]) THEN NULL ELSE pg_database_size(d.oid) END AS size_bytes,
                   age(d.datfrozenxid) AS frozen_xid_age
            FROM pg_stat_database s
            JOIN pg_database d ON d.oid = s.datid
            WHERE %s
            ORDER BY s.datname""".formatted(DatabaseScope.sql("d.datname"));

    private DatabaseReader() {}

    public static List<DatabaseStat> read(Connection c, DatabaseScope scope) throws SQLException {
        return read(c, scope, new SizeCache.Known<>());
    }

    /** @param sizes sizes measured before; left holding this read's */
    static List<DatabaseStat> read(Connection c, DatabaseScope scope, SizeCache.Known<Long> sizes) throws SQLException {
        List<DatabaseStat> databases = Rows.list(c, SQL, ps -> {
            ps.setArray(1, c.createArrayOf("int8", sizes.before().keySet().toArray()));
            scope.bind(c, ps, 2);
        }, rs -> DatabaseStat.newBuilder()
                        .setDatid(rs.getLong("datid"))
                        .setDatname(rs.getString("datname"))
                        .setNumbackends(rs.getInt("numbackends"))
                        .setXactCommit(rs.getLong("xact_commit"))
                        .setXactRollback(rs.getLong("xact_rollback"))
                        .setBlksRead(rs.getLong("blks_read"))
                        .setBlksHit(rs.getLong("blks_hit"))
                        .setTupReturned(rs.getLong("tup_returned"))
                        .setTupFetched(rs.getLong("tup_fetched"))
                        .setTupInserted(rs.getLong("tup_inserted"))
                        .setTupUpdated(rs.getLong("tup_updated"))
                        .setTupDeleted(rs.getLong("tup_deleted"))
                        .setConflicts(rs.getLong("conflicts"))
                        .setTempFiles(rs.getLong("temp_files"))
                        .setTempBytes(rs.getLong("temp_bytes"))
                        .setDeadlocks(rs.getLong("deadlocks"))
                        .setBlkReadTimeMs(rs.getDouble("blk_read_time"))
                        .setBlkWriteTimeMs(rs.getDouble("blk_write_time"))
                        .setStatsReset(Rows.instant(rs, "stats_reset"))
                        .setSizeBytes(sizes.sizeOf(rs.getLong("datid"), Rows.longOrNull(rs, "size_bytes"), true))
                        .setFrozenXidAge(rs.getLong("frozen_xid_age"))
                        .build());
        sizes.readDone();
        return databases;
    }
}

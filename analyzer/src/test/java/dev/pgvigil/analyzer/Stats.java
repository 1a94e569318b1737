package dev.pgvigil.analyzer;

import dev.pgvigil.schema.ActivitySnapshot;
import dev.pgvigil.schema.ChunkInfo;
import dev.pgvigil.schema.DatabaseStat;
import dev.pgvigil.schema.DatabaseStatsChunk;
import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.IndexesChunk;
import dev.pgvigil.schema.SessionInfo;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.SnapshotStatus;
import dev.pgvigil.schema.StatementStat;
import dev.pgvigil.schema.StatementsChunk;
import dev.pgvigil.schema.TableStat;
import dev.pgvigil.schema.TablesChunk;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builders of collector records for tests, with every field the schema requires and plain defaults. */
final class Stats {
    private Stats() {}

    static SnapshotRef ref(String instance, String snapshotId, Instant at) {
        return new SnapshotRef(instance, snapshotId, at);
    }

    static ChunkInfo chunk(int index, int count, boolean full) {
        return new ChunkInfo(index, count, full);
    }

    static ChunkInfo whole() {
        return chunk(0, 1, true);
    }

    static DatabaseStat.Builder db(String name, long datid) {
        return DatabaseStat.newBuilder().setDatid(datid).setDatname(name).setNumbackends(1).setXactCommit(0).setXactRollback(0)
                .setBlksRead(0).setBlksHit(0).setTupReturned(0).setTupFetched(0).setTupInserted(0).setTupUpdated(0).setTupDeleted(0)
                .setConflicts(0).setTempFiles(0).setTempBytes(0).setDeadlocks(0).setBlkReadTimeMs(0).setBlkWriteTimeMs(0)
                .setStatsReset(null).setSizeBytes(8_000_000).setFrozenXidAge(1000);
    }

    static DatabaseStatsChunk databases(SnapshotRef ref, ChunkInfo chunk, DatabaseStat... dbs) {
        return new DatabaseStatsChunk(ref, chunk, List.of(dbs));
    }

    /** A statement with {@code calls} calls all taking {@code eachMs}. */
    static StatementStat statement(long queryId, long calls, double totalMs, double meanMs, double stddevMs, double maxMs) {
        return StatementStat.newBuilder().setQueryId(queryId).setUserId(10).setDbId(5).setDatname("shop").setQuery("SELECT q" + queryId)
                .setCalls(calls).setTotalExecTimeMs(totalMs).setMeanExecTimeMs(meanMs).setMinExecTimeMs(0).setMaxExecTimeMs(maxMs)
                .setStddevExecTimeMs(stddevMs).setRows(calls).setSharedBlksHit(0).setSharedBlksRead(0).setSharedBlksDirtied(0)
                .setSharedBlksWritten(0).setTempBlksRead(0).setTempBlksWritten(0).setBlkReadTimeMs(0).setBlkWriteTimeMs(0).build();
    }

    /** A statement whose every call took {@code eachMs} (stddev 0). */
    static StatementStat uniform(long queryId, long calls, double eachMs) {
        return statement(queryId, calls, calls * eachMs, eachMs, 0, eachMs);
    }

    static StatementsChunk statements(SnapshotRef ref, ChunkInfo chunk, StatementStat... s) {
        return new StatementsChunk(ref, chunk, List.of(s));
    }

    static TableStat.Builder table(long relid, String name) {
        return TableStat.newBuilder().setDatname("shop").setRelid(relid).setSchemaName("public").setTableName(name).setSeqScan(0)
                .setSeqTupRead(0).setIdxScan(0L).setIdxTupFetch(0L).setNTupIns(0).setNTupUpd(0).setNTupDel(0).setNTupHotUpd(0)
                .setNLiveTup(100_000).setNDeadTup(0).setNModSinceAnalyze(0).setVacuumCount(0).setAutovacuumCount(0).setAnalyzeCount(0)
                .setAutoanalyzeCount(0).setHeapBlksRead(0).setHeapBlksHit(0).setHeapSizeBytes(10_000_000).setIndexesSizeBytes(1_000_000)
                .setToastSizeBytes(0);
    }

    static TablesChunk tables(SnapshotRef ref, ChunkInfo chunk, TableStat... t) {
        return new TablesChunk(ref, chunk, List.of(t));
    }

    static IndexStat.Builder index(long relid, String table, String name, String... columns) {
        return IndexStat.newBuilder().setDatname("shop").setIndexRelid(relid).setRelid(1).setSchemaName("public").setTableName(table)
                .setIndexName(name).setIdxScan(5).setIdxTupRead(5).setIdxTupFetch(5).setIdxBlksRead(0).setIdxBlksHit(0)
                .setSizeBytes(1 << 20).setDefinition("CREATE INDEX " + name).setColumns(List.of(columns)).setAccessMethod("btree")
                .setPredicate(null).setIsUnique(false).setIsPrimary(false).setIsValid(true).setBacksConstraint(false);
    }

    static IndexesChunk indexes(SnapshotRef ref, ChunkInfo chunk, IndexStat... i) {
        return new IndexesChunk(ref, chunk, List.of(i));
    }

    static ActivitySnapshot.Builder activity(SnapshotRef ref, int connections) {
        return ActivitySnapshot.newBuilder().setRef(ref).setChunk(whole()).setMaxConnections(100).setSuperuserReservedConnections(3)
                .setReservedConnections(0).setTotalConnections(connections).setByState(Map.of("active", connections))
                .setByDatabase(Map.of("shop", connections)).setByUser(Map.of()).setByApplication(Map.of()).setIdleInTransactionCount(0)
                .setWaitingOnLocksCount(0).setSessions(List.of());
    }

    static SessionInfo session(int pid, String state, double ageSeconds, List<Integer> blockedBy) {
        return SessionInfo.newBuilder().setPid(pid).setDatname("shop").setUsename("app").setState(state)
                .setXactAgeSeconds(ageSeconds).setQueryAgeSeconds(ageSeconds).setStateAgeSeconds(ageSeconds).setBlockedBy(blockedBy)
                .setQuery("UPDATE orders SET x = 1").build();
    }

    static SnapshotInfo envelope(SnapshotRef ref, SnapshotStatus status, Instant postmasterStart) {
        return SnapshotInfo.newBuilder().setRef(ref).setStatus(status).setPostmasterStartTime(postmasterStart)
                .setError(status == SnapshotStatus.FAILED ? "connection refused" : null).setDatabase("shop")
                .setStatementsAvailable(true).build();
    }
}

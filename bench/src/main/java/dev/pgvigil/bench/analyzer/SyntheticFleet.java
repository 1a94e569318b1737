package dev.pgvigil.bench.analyzer;

import dev.pgvigil.schema.ActivitySnapshot;
import dev.pgvigil.schema.ChunkInfo;
import dev.pgvigil.schema.DatabaseStat;
import dev.pgvigil.schema.DatabaseStatsChunk;
import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.IndexesChunk;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.SnapshotStatus;
import dev.pgvigil.schema.StatementStat;
import dev.pgvigil.schema.StatementsChunk;
import dev.pgvigil.schema.TableStat;
import dev.pgvigil.schema.TablesChunk;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A fleet of {@code instances} made-up PostgreSQL instances with {@code entities} statements, tables and
 * indexes each, in the collector's record layout: size-capped chunks per kind, then the envelope.
 * With a moving share of 1 every entity moves in every snapshot and every snapshot is full (the
 * collector's heaviest case); with a smaller share only the first {@code share x entities} of each kind
 * move, and snapshots are partial as the collector sends them (only what moved), except every
 * {@value #FULL_EVERY}th. Table 0 of every instance moves and alternates between 50 % dead rows and none,
 * so each snapshot fires or resolves one violation per instance: the probe for the latency from
 * collectedAt to a violation on the topic.
 */
final class SyntheticFleet {
    static final int ENTITIES_PER_CHUNK = 250;
    /** The collector's default fullSnapshotEvery. */
    static final int FULL_EVERY = 6;
    private static final Instant POSTMASTER_START = Instant.parse("2025-01-01T00:00:00Z");

    private final int instances;
    private final int entities;
    private final int moving;

    SyntheticFleet(int instances, int entities) {
        this(instances, entities, 1.0);
    }

    SyntheticFleet(int instances, int entities, double movingShare) {
        this.instances = instances;
        this.entities = entities;
        this.moving = Math.max(1, (int) Math.round(entities * movingShare));
    }

    /** Whether snapshot number {@code n} holds every entity. */
    boolean isFull(int n) {
        return moving == entities || n % FULL_EVERY == 0;
    }

    /** Statements, tables and indexes (plus databases and activity) in snapshot number {@code n} of one instance. */
    long entitiesIn(int n) {
        return 3L * (isFull(n) ? entities : moving) + 3 + 1;
    }

    static String instanceId(int i) {
        return String.format("bench-%04d", i);
    }

    /** The records of snapshot number {@code n} of instance {@code i}, taken at {@code at}. */
    List<ProducerRecord<String, byte[]>> snapshot(int i, int n, Instant at) {
        String id = instanceId(i);
        SnapshotRef ref = new SnapshotRef(id, UUID.randomUUID().toString(), at);
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        long ts = at.toEpochMilli();
        List<DatabaseStat> dbs = new ArrayList<>();
        for (int d = 0; d < 3; d++) {
            long k = n + 1L;
            dbs.add(DatabaseStat.newBuilder().setDatid(16384 + d).setDatname("db" + d).setNumbackends(5).setXactCommit(k * 1000)
                    .setXactRollback(k * 3).setBlksRead(k * 500).setBlksHit(k * 99_500).setTupReturned(k * 50_000).setTupFetched(k * 20_000)
                    .setTupInserted(k * 300).setTupUpdated(k * 200).setTupDeleted(k * 10).setConflicts(0).setTempFiles(k).setTempBytes(k * 8192)
                    .setDeadlocks(0).setBlkReadTimeMs(k * 2.0).setBlkWriteTimeMs(k).setStatsReset(null).setSizeBytes(1_000_000_000L + k * 1_000_000)
                    .setFrozenXidAge(100_000 + k * 1000).build());
        }
        out.add(record(Topics.STATS_DATABASE, id, ts, Serdes.databaseStats().serialize(Topics.STATS_DATABASE,
                new DatabaseStatsChunk(ref, new ChunkInfo(0, 1, true), dbs))));

        List<StatementStat> statements = new ArrayList<>();
        List<TableStat> tables = new ArrayList<>();
        List<IndexStat> indexes = new ArrayList<>();
        boolean full = isFull(n);
        for (int e = 0; e < (full ? entities : moving); e++) {
            long k = e < moving ? n + 1L : 1; // an entity that does not move keeps its first numbers
            long calls = k * (10 + e % 7);
            double mean = 1 + e % 50;
            statements.add(StatementStat.newBuilder().setQueryId(1_000_000L + e).setUserId(10).setDbId(16384).setDatname("db0")
                    .setQuery("SELECT * FROM t_" + e + " WHERE customer_id = $1 AND created_at > $2").setCalls(calls)
                    .setTotalExecTimeMs(calls * mean).setMeanExecTimeMs(mean).setMinExecTimeMs(mean / 2).setMaxExecTimeMs(mean * 3)
                    .setStddevExecTimeMs(mean / 4).setRows(calls * 3).setSharedBlksHit(calls * 40).setSharedBlksRead(calls)
                    .setSharedBlksDirtied(calls / 10).setSharedBlksWritten(calls / 20).setTempBlksRead(0).setTempBlksWritten(0)
                    .setBlkReadTimeMs(calls * 0.01).setBlkWriteTimeMs(0).setWalBytes(calls * 100).build());
            long dead = e == 0 ? (n % 2 == 0 ? 50_000 : 0) : 100;
            tables.add(TableStat.newBuilder().setDatname("db0").setRelid(20_000 + e).setSchemaName("public").setTableName("t_" + e)
                    .setSeqScan(k).setSeqTupRead(k * 1000).setIdxScan(k * 500).setIdxTupFetch(k * 600)
                    .setNTupIns(k * 30).setNTupUpd(k * 20).setNTupDel(k).setNTupHotUpd(k * 10).setNLiveTup(50_000)
                    .setNDeadTup(dead).setNModSinceAnalyze(100).setNInsSinceVacuum(100L).setVacuumCount(1).setAutovacuumCount(3)
                    .setAnalyzeCount(1).setAutoanalyzeCount(3).setHeapBlksRead(k * 10).setHeapBlksHit(k * 900)
                    .setIdxBlksRead(k).setIdxBlksHit(k * 90).setHeapSizeBytes(50_000_000).setIndexesSizeBytes(10_000_000)
                    .setToastSizeBytes(0).build());
            indexes.add(IndexStat.newBuilder().setDatname("db0").setIndexRelid(40_000 + e).setRelid(20_000 + e).setSchemaName("public")
                    .setTableName("t_" + e).setIndexName("t_" + e + "_customer_idx").setIdxScan(k * 500).setIdxTupRead(k * 600)
                    .setIdxTupFetch(k * 600).setIdxBlksRead(k).setIdxBlksHit(k * 90).setSizeBytes(10_000_000)
                    .setDefinition("CREATE INDEX t_" + e + "_customer_idx ON public.t_" + e + " USING btree (customer_id)")
                    .setColumns(List.of("customer_id")).setAccessMethod("btree").setPredicate(null).setIsUnique(false)
                    .setIsPrimary(false).setIsValid(true).setBacksConstraint(false).build());
        }
        int sent = statements.size();
        int chunks = Math.max(1, (sent + ENTITIES_PER_CHUNK - 1) / ENTITIES_PER_CHUNK);
        for (int c = 0; c < chunks; c++) {
            int from = c * ENTITIES_PER_CHUNK, to = Math.min(sent, from + ENTITIES_PER_CHUNK);
            ChunkInfo info = new ChunkInfo(c, chunks, full);
            out.add(record(Topics.STATS_STATEMENTS, id, ts, Serdes.statements().serialize(Topics.STATS_STATEMENTS,
                    new StatementsChunk(ref, info, statements.subList(from, to)))));
            out.add(record(Topics.STATS_TABLES, id, ts, Serdes.tables().serialize(Topics.STATS_TABLES,
                    new TablesChunk(ref, info, tables.subList(from, to)))));
            out.add(record(Topics.STATS_INDEXES, id, ts, Serdes.indexes().serialize(Topics.STATS_INDEXES,
                    new IndexesChunk(ref, info, indexes.subList(from, to)))));
        }
        ActivitySnapshot activity = ActivitySnapshot.newBuilder().setRef(ref).setChunk(new ChunkInfo(0, 1, true)).setMaxConnections(200)
                .setSuperuserReservedConnections(3).setReservedConnections(0).setTotalConnections(20)
                .setByState(Map.of("active", 5, "idle", 15)).setByDatabase(Map.of("db0", 20)).setByUser(Map.of("app", 20))
                .setByApplication(Map.of("web", 20)).setOldestXactAgeSeconds(1.0).setOldestQueryAgeSeconds(0.5)
                .setIdleInTransactionCount(0).setOldestIdleInTransactionSeconds(null).setWaitingOnLocksCount(0).setSessions(List.of()).build();
        out.add(record(Topics.STATS_ACTIVITY, id, ts, Serdes.activity().serialize(Topics.STATS_ACTIVITY, activity)));
        SnapshotInfo envelope = SnapshotInfo.newBuilder().setRef(ref).setStatus(SnapshotStatus.OK).setDurationMs(150)
                .setServerVersion("15.8").setServerVersionNum(150008).setPostmasterStartTime(POSTMASTER_START)
                .setStatementsAvailable(true).setDatabase("db0")
                .setChunkCounts(Map.of("database", 1, "statements", chunks, "tables", chunks, "indexes", chunks, "activity", 1)).build();
        out.add(record(Topics.SNAPSHOTS, id, ts, Serdes.snapshotInfo().serialize(Topics.SNAPSHOTS, envelope)));
        return out;
    }

    int instances() {
        return instances;
    }

    private static ProducerRecord<String, byte[]> record(String topic, String key, long ts, byte[] value) {
        return new ProducerRecord<>(topic, null, ts, key, value);
    }
}

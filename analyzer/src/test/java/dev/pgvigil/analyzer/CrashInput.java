package dev.pgvigil.analyzer;

import static dev.pgvigil.analyzer.Stats.chunk;
import static dev.pgvigil.analyzer.Stats.db;
import static dev.pgvigil.analyzer.Stats.index;
import static dev.pgvigil.analyzer.Stats.ref;
import static dev.pgvigil.analyzer.Stats.table;
import static dev.pgvigil.analyzer.Stats.whole;

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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A deterministic fleet's snapshots, the same bytes for every run: {@link #INSTANCES} instances, each with a
 * database, {@link #ENTITIES} statements, tables and indexes whose counters move, a snapshot every 10 s from
 * {@link #t0}. Every {@link #FULL_EVERY}th snapshot is full; the others are partial (only the entities that moved),
 * as the collector publishes them; statements come in two chunks, and the envelope follows its chunks. The snapshots of
 * one round are one transaction (the collector's publisher makes one per snapshot; read_committed, the analyzer sees
 * the same records in the same order).
 *
 * <p>Planted conditions: even instances' cache hit ratio is 30 % for {@link #LOW_CACHE_FROM} to {@link #LOW_CACHE_TO}
 * (fires at the second interval: {@code for} 2), statement 5 averages 200 ms from {@link #SLOW_FROM} to
 * {@link #SLOW_TO}, table 3 has 30 % dead rows from {@link #DEAD_FROM} to {@link #DEAD_TO}.
 */
final class CrashInput {
    static final int INSTANCES = 4;
    static final int ENTITIES = 12;
    static final int SNAPSHOTS = 37; // 6 minutes: the last one is full
    static final int FULL_EVERY = 6;
    static final int LOW_CACHE_FROM = 14, LOW_CACHE_TO = 20;
    static final int SLOW_FROM = 9, SLOW_TO = 16;
    static final int DEAD_FROM = 20, DEAD_TO = 26;

    /** Three minutes before an hour: the run's minutes and one hour close. */
    final Instant t0;
    private final Instant postmasterStart;
    private final KafkaProducer<String, byte[]> producer;

    CrashInput(String bootstrapServers, Instant t0) {
        this.t0 = t0;
        this.postmasterStart = t0.minusSeconds(86_400);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "crash-input-" + UUID.randomUUID()), new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
    }

    static String instance(int i) {
        return "crash-" + i;
    }

    static String snapshotId(int n) {
        return "s" + n;
    }

    /** Snapshots {@code from} (inclusive) to {@code to} (exclusive) of every instance, oldest first. */
    void send(int from, int to) {
        for (int n = from; n < to; n++) {
            producer.beginTransaction(); // one per round: what the analyzer reads is the same as per instance, and faster here
            for (int i = 0; i < INSTANCES; i++) {
                records(i, n).forEach(producer::send);
            }
            producer.commitTransaction();
        }
    }

    void close() {
        producer.close();
    }

    private static boolean moved(int i, int e, int n) {
        return n == 0 || (e + n + i) % 3 != 0;
    }

    /** How many of snapshots 1..n entity e moved in: its counters grow by a fixed step each time. */
    private static long moves(int i, int e, int n) {
        long m = 0;
        for (int k = 1; k <= n; k++) {
            m += moved(i, e, k) ? 1 : 0;
        }
        return m;
    }

    private List<ProducerRecord<String, byte[]>> records(int i, int n) {
        String id = instance(i);
        Instant at = t0.plusSeconds(10L * n);
        SnapshotRef ref = ref(id, snapshotId(n), at);
        boolean full = n % FULL_EVERY == 0;
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();

        long hits = 0, reads = 0;
        for (int k = 1; k <= n; k++) { // per interval 10,000 blocks: 99 % from cache, 30 % while planted low
            boolean low = i % 2 == 0 && k >= LOW_CACHE_FROM && k < LOW_CACHE_TO;
            hits += low ? 3_000 : 9_900 + 10L * i;
            reads += low ? 7_000 : 100;
        }
        DatabaseStatsChunk d = new DatabaseStatsChunk(ref, whole(), List.of(db("shop", 5).setBlksHit(hits).setBlksRead(reads)
                .setXactCommit(500L * n + i).setTupReturned(7_000L * n).setTupInserted(30L * n).setNumbackends(3 + n % 4).build()));
        out.add(record(Topics.STATS_DATABASE, id, at, Serdes.databaseStats().serialize(Topics.STATS_DATABASE, d)));

        List<StatementStat> statements = new ArrayList<>();
        List<TableStat> tables = new ArrayList<>();
        List<IndexStat> indexes = new ArrayList<>();
        for (int e = 0; e < ENTITIES; e++) {
            if (!full && !moved(i, e, n)) {
                continue;
            }
            long m = moves(i, e, n);
            statements.add(statement(i, e, n));
            boolean dead = e == 3 && n >= DEAD_FROM && n < DEAD_TO;
            tables.add(table(e + 1, "t" + e).setSeqScan(m * (e + 1)).setSeqTupRead(m * 1_000L * (e + 1)).setIdxScan(m * 50L)
                    .setNTupIns(m * 20L).setNTupUpd(m * 7L).setNLiveTup(70_000).setNDeadTup(dead ? 30_000 : 100L * e)
                    .setHeapSizeBytes(10_000_000L + m * 8192).build());
            indexes.add(index(100 + e, "t" + e, "t" + e + "_pkey", "id").setRelid(e + 1).setIdxScan(5 + m * (e + 2))
                    .setIdxTupRead(5 + m * 40L).setIdxTupFetch(5 + m * 40L).build());
        }
        int half = (statements.size() + 1) / 2;
        List<List<StatementStat>> parts = statements.size() < 2 ? List.of(statements)
                : List.of(statements.subList(0, half), statements.subList(half, statements.size()));
        for (int c = 0; c < parts.size(); c++) {
            StatementsChunk s = new StatementsChunk(ref, chunk(c, parts.size(), full), List.copyOf(parts.get(c)));
            out.add(record(Topics.STATS_STATEMENTS, id, at, Serdes.statements().serialize(Topics.STATS_STATEMENTS, s)));
        }
        TablesChunk t = new TablesChunk(ref, chunk(0, 1, full), tables);
        out.add(record(Topics.STATS_TABLES, id, at, Serdes.tables().serialize(Topics.STATS_TABLES, t)));
        IndexesChunk x = new IndexesChunk(ref, chunk(0, 1, full), indexes);
        out.add(record(Topics.STATS_INDEXES, id, at, Serdes.indexes().serialize(Topics.STATS_INDEXES, x)));

        SnapshotInfo envelope = Stats.envelope(ref, SnapshotStatus.OK, postmasterStart);
        envelope.setChunkCounts(Map.of("database", 1, "statements", parts.size(), "tables", 1, "indexes", 1));
        out.add(record(Topics.SNAPSHOTS, id, at, Serdes.snapshotInfo().serialize(Topics.SNAPSHOTS, envelope)));
        return out;
    }

    /** Statement e's cumulative numbers: 10 calls a move, 2 ms each, statement 5's at 200 ms while planted slow. */
    private static StatementStat statement(int i, int e, int n) {
        long calls = 0;
        double total = 0, max = 0;
        for (int k = 1; k <= n; k++) {
            if (moved(i, e, k)) {
                double each = e == 5 && k >= SLOW_FROM && k < SLOW_TO ? 200 : 2 + e;
                calls += 10;
                total += 10 * each;
                max = Math.max(max, each);
            }
        }
        return Stats.statement(1000 + e, calls, total, calls == 0 ? 0 : total / calls, 0, max);
    }

    private static ProducerRecord<String, byte[]> record(String topic, String key, Instant at, byte[] value) {
        return new ProducerRecord<>(topic, null, at.toEpochMilli(), key, value);
    }
}

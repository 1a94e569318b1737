package dev.pgvigil.collector.publish;

import dev.pgvigil.catalogue.read.ReadListener;
import dev.pgvigil.catalogue.read.Snapshot;
import dev.pgvigil.schema.ActivitySnapshot;
import dev.pgvigil.schema.ChunkInfo;
import dev.pgvigil.schema.DatabaseStat;
import dev.pgvigil.schema.DatabaseStatsChunk;
import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.IndexesChunk;
import dev.pgvigil.schema.ReplicationSnapshot;
import dev.pgvigil.schema.Setting;
import dev.pgvigil.schema.SessionInfo;
import dev.pgvigil.schema.SettingsChunk;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.SnapshotStatus;
import dev.pgvigil.schema.StatementStat;
import dev.pgvigil.schema.StatementsChunk;
import dev.pgvigil.schema.TableStat;
import dev.pgvigil.schema.TablesChunk;
import dev.pgvigil.schema.kafka.AvroSerde;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * Turns a snapshot into the records to publish: per kind, size-capped chunks of the entities to send
 * (all of them in a full snapshot, the moved ones otherwise), then the SnapshotInfo envelope with the
 * chunk count of every kind sent. A kind that could not be read is not sent at all, and is absent from
 * chunkCounts, so no consumer mistakes "unknown" for "none".
 *
 * <p>The records of each kind are built as soon as the reader has it ({@link #begin}: a {@link Pending}
 * is the reader's listener), on an executor, so that chunking and encoding one kind overlaps the next
 * query on the server. One cycle's kinds are built one after another, never at once: the change tracker
 * is not shared between threads, only handed from one step to the next.
 */
public final class SnapshotRecords {
    @FunctionalInterface
    private interface ChunkFactory<E> {
        SpecificRecord create(SnapshotRef ref, ChunkInfo info, List<E> entities);
    }

    /** One kind's records and what went wrong building them. */
    private record KindRecords(List<OutRecord> records, List<String> warnings) {}

    private static final AvroSerde<SnapshotInfo> ENVELOPE_SERDE = Serdes.snapshotInfo();

    private final int chunkMaxBytes;

    public SnapshotRecords(int chunkMaxBytes) {
        this.chunkMaxBytes = chunkMaxBytes;
    }

    /**
     * Starts the records of one snapshot.
     *
     * @param full send every entity (and mark chunks full), else only what moved since the tracker's last commit
     * @param executor where the kinds' records are built; the tracker is touched there until {@link Pending#finish} or
     *     {@link Pending#abandon} returns
     */
    public Pending begin(SnapshotRef ref, ChangeTracker tracker, boolean full, Executor executor) {
        return new Pending(ref, tracker, full, executor);
    }

    /** The records of one snapshot being built while it is read. */
    public final class Pending implements ReadListener {
        private final SnapshotRef ref;
        private final ChangeTracker tracker;
        private final boolean full;
        private final Executor executor;
        /** Written by the steps, read once the last step is joined. */
        private final Map<Kind, KindRecords> built = new EnumMap<>(Kind.class);
        private CompletableFuture<Void> steps = CompletableFuture.completedFuture(null);

        private Pending(SnapshotRef ref, ChangeTracker tracker, boolean full, Executor executor) {
            this.ref = ref;
            this.tracker = tracker;
            this.full = full;
            this.executor = executor;
        }

        @Override
        public void databases(List<DatabaseStat> databases) {
            chunked(Kind.DATABASE, ref, databases, DatabaseStat::getDatid, DatabaseStatsChunk::new);
        }

        /** Counted before the snapshot began (shared with another database's target): their chunks say when. */
        @Override
        public void statements(List<StatementStat> statements, Instant countedAt) {
            SnapshotRef at = countedAt.equals(ref.getCollectedAt()) ? ref : SnapshotRef.newBuilder(ref).setCollectedAt(countedAt).build();
            chunked(Kind.STATEMENTS, at, statements, st -> List.of(st.getQueryId(), st.getUserId(), st.getDbId()), StatementsChunk::new);
        }

        @Override
        public void tables(List<TableStat> tables) {
            chunked(Kind.TABLES, ref, tables, TableStat::getRelid, TablesChunk::new);
        }

        @Override
        public void indexes(List<IndexStat> indexes) {
            chunked(Kind.INDEXES, ref, indexes, IndexStat::getIndexRelid, IndexesChunk::new);
        }

        @Override
        public void activity(ActivitySnapshot activity) {
            then(() -> built.put(Kind.ACTIVITY, new KindRecords(List.of(record(Kind.ACTIVITY, ref, fitActivity(activity))), List.of())));
        }

        @Override
        public void settings(List<Setting> settings) {
            then(() -> {
                // settings rarely change: sent with every full snapshot and whenever one changes
                List<Setting> changed = tracker.select(Kind.SETTINGS, settings, Setting::getName, full);
                if (full || !changed.isEmpty()) {
                    built.put(Kind.SETTINGS, chunks(Kind.SETTINGS, ref, changed, full, SettingsChunk::new));
                }
            });
        }

        /** One small record, sent with every snapshot: its readings are levels and positions, judged every interval. */
        @Override
        public void replication(ReplicationSnapshot replication) {
            then(() -> built.put(Kind.REPLICATION, new KindRecords(List.of(record(Kind.REPLICATION, ref, replication)), List.of())));
        }

        private <E extends SpecificRecord> void chunked(Kind kind, SnapshotRef at, List<E> entities, Function<E, Object> key,
                                                        ChunkFactory<E> factory) {
            then(() -> built.put(kind, chunks(kind, at, tracker.select(kind, entities, key, full), full, factory)));
        }

        private void then(Runnable step) {
            steps = steps.thenRunAsync(step, executor);
        }

        /**
         * Waits for every kind's records and adds the envelope.
         *
         * @param s the snapshot whose kinds were all handed to this listener
         * @param elapsed wall time of the cycle so far, for SnapshotInfo.durationMs
         */
        public Publication finish(Snapshot s, Map<String, String> labels, Duration elapsed) {
            await();
            List<OutRecord> chunks = new ArrayList<>();
            Map<String, Integer> counts = new LinkedHashMap<>();
            List<String> warnings = new ArrayList<>(s.warnings());
            built.forEach((kind, records) -> {
                chunks.addAll(records.records());
                counts.put(kind.key(), records.records().size());
                warnings.addAll(records.warnings());
            });
            SnapshotInfo info = SnapshotInfo.newBuilder()
                    .setRef(ref)
                    .setLabels(labels)
                    .setStatus(warnings.isEmpty() ? SnapshotStatus.OK : SnapshotStatus.PARTIAL)
                    .setWarnings(warnings)
                    .setDurationMs(elapsed.toMillis())
                    .setServerVersion(s.server().version())
                    .setServerVersionNum(s.server().versionNum())
                    .setPostmasterStartTime(s.server().postmasterStartTime())
                    .setStatementsResetAt(s.statementsResetAt())
                    .setStatementsAvailable(s.statementsAvailable())
                    .setDatabase(s.server().database())
                    .setChunkCounts(counts)
                    .build();
            return new Publication(chunks, envelope(info));
        }

        /** For a cycle that failed while reading: lets the steps already started end, so none touches the tracker after. */
        public void abandon() {
            steps.exceptionally(e -> null).join();
        }

        private void await() {
            try {
                steps.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error r) {
                    throw r;
                }
                throw e;
            }
        }
    }

    /** The envelope of a cycle that could not read the instance at all. {@code error} must already be redacted. */
    public static Publication failed(SnapshotRef ref, Map<String, String> labels, String error, Duration elapsed) {
        SnapshotInfo info = SnapshotInfo.newBuilder()
                .setRef(ref)
                .setLabels(labels)
                .setStatus(SnapshotStatus.FAILED)
                .setError(error)
                .setDurationMs(elapsed.toMillis())
                .build();
        return new Publication(List.of(), envelope(info));
    }

    private <E extends SpecificRecord> KindRecords chunks(Kind kind, SnapshotRef ref, List<E> entities, boolean full, ChunkFactory<E> factory) {
        int[] dropped = {0};
        List<List<E>> groups = Chunker.split(entities, chunkMaxBytes, e -> dropped[0]++);
        List<String> warnings = dropped[0] == 0 ? List.of()
                : List.of(kind.key() + ": " + dropped[0] + " entities too large for a " + chunkMaxBytes + "-byte chunk were left out");
        List<OutRecord> records = new ArrayList<>(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            records.add(record(kind, ref, factory.create(ref, new ChunkInfo(i, groups.size(), full), groups.get(i))));
        }
        return new KindRecords(records, warnings);
    }

    /** Activity is one record: if its session list would not fit, drop the least interesting sessions (the list's tail). */
    private ActivitySnapshot fitActivity(ActivitySnapshot activity) {
        ActivitySnapshot fitted = activity;
        while (Kind.ACTIVITY.serialize(fitted).length > chunkMaxBytes && !fitted.getSessions().isEmpty()) {
            List<SessionInfo> sessions = fitted.getSessions();
            fitted = ActivitySnapshot.newBuilder(fitted).setSessions(List.copyOf(sessions.subList(0, sessions.size() / 2)))
                    .setSessionsTruncated(true).build();
        }
        return fitted;
    }

    private static OutRecord record(Kind kind, SnapshotRef ref, SpecificRecord value) {
        return new OutRecord(kind.topic(), ref.getInstanceId(), ref.getCollectedAt(), value, kind.serialize(value));
    }

    private static OutRecord envelope(SnapshotInfo info) {
        return new OutRecord(Topics.SNAPSHOTS, info.getRef().getInstanceId(), info.getRef().getCollectedAt(), info,
                ENVELOPE_SERDE.serialize(Topics.SNAPSHOTS, info));
    }
}

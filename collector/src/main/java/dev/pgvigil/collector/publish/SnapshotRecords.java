package dev.pgvigil.collector.publish;

import dev.pgvigil.collector.read.Snapshot;
import dev.pgvigil.schema.ActivitySnapshot;
import dev.pgvigil.schema.ChunkInfo;
import dev.pgvigil.schema.DatabaseStat;
import dev.pgvigil.schema.DatabaseStatsChunk;
import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.IndexesChunk;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Turns a {@link Snapshot} into the records to publish: per kind, size-capped chunks of the entities to
 * send (all of them in a full snapshot, the moved ones otherwise), then the SnapshotInfo envelope with
 * the chunk count of every kind sent. A kind that could not be read is not sent at all, and is absent
 * from chunkCounts, so no consumer mistakes "unknown" for "none".
 */
public final class SnapshotRecords {
    @FunctionalInterface
    private interface ChunkFactory<E> {
        SpecificRecord create(SnapshotRef ref, ChunkInfo info, List<E> entities);
    }

    private static final AvroSerde<SnapshotInfo> ENVELOPE_SERDE = Serdes.snapshotInfo();

    private final int chunkMaxBytes;

    public SnapshotRecords(int chunkMaxBytes) {
        this.chunkMaxBytes = chunkMaxBytes;
    }

    /**
     * @param full send every entity (and mark chunks full), else only what moved since the tracker's last commit
     * @param elapsed wall time of the cycle so far, for SnapshotInfo.durationMs
     */
    public Publication build(Snapshot s, Map<String, String> labels, ChangeTracker tracker, boolean full, Duration elapsed) {
        SnapshotRef ref = s.ref();
        String key = ref.getInstanceId();
        List<OutRecord> chunks = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>(s.warnings());

        if (s.databases() != null) {
            add(chunks, counts, warnings, Kind.DATABASE, ref, tracker.select(Kind.DATABASE, s.databases(), DatabaseStat::getDatid, full),
                    full, DatabaseStatsChunk::new);
        }
        if (s.statements() != null) {
            add(chunks, counts, warnings, Kind.STATEMENTS, ref, tracker.select(Kind.STATEMENTS, s.statements(),
                    st -> List.of(st.getQueryId(), st.getUserId(), st.getDbId()), full), full, StatementsChunk::new);
        }
        if (s.tables() != null) {
            add(chunks, counts, warnings, Kind.TABLES, ref, tracker.select(Kind.TABLES, s.tables(), TableStat::getRelid, full),
                    full, TablesChunk::new);
        }
        if (s.indexes() != null) {
            add(chunks, counts, warnings, Kind.INDEXES, ref, tracker.select(Kind.INDEXES, s.indexes(), IndexStat::getIndexRelid, full),
                    full, IndexesChunk::new);
        }
        if (s.activity() != null) {
            ActivitySnapshot activity = fitActivity(s.activity());
            chunks.add(record(Kind.ACTIVITY, key, ref, activity));
            counts.put(Kind.ACTIVITY.key(), 1);
        }
        if (s.settings() != null) {
            // settings rarely change: sent with every full snapshot and whenever one changes
            List<Setting> changed = tracker.select(Kind.SETTINGS, s.settings(), Setting::getName, full);
            if (full || !changed.isEmpty()) {
                add(chunks, counts, warnings, Kind.SETTINGS, ref, changed, full, SettingsChunk::new);
            }
        }
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

    private <E extends SpecificRecord> void add(List<OutRecord> out, Map<String, Integer> counts, List<String> warnings, Kind kind,
            SnapshotRef ref, List<E> entities, boolean full, ChunkFactory<E> factory) {
        int[] dropped = {0};
        List<List<E>> groups = Chunker.split(entities, chunkMaxBytes, e -> dropped[0]++);
        if (dropped[0] > 0) {
            warnings.add(kind.key() + ": " + dropped[0] + " entities too large for a " + chunkMaxBytes + "-byte chunk were left out");
        }
        for (int i = 0; i < groups.size(); i++) {
            out.add(record(kind, ref.getInstanceId(), ref, factory.create(ref, new ChunkInfo(i, groups.size(), full), groups.get(i))));
        }
        counts.put(kind.key(), groups.size());
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

    private static OutRecord record(Kind kind, String key, SnapshotRef ref, SpecificRecord value) {
        return new OutRecord(kind.topic(), key, ref.getCollectedAt(), value, kind.serialize(value));
    }

    private static OutRecord envelope(SnapshotInfo info) {
        return new OutRecord(Topics.SNAPSHOTS, info.getRef().getInstanceId(), info.getRef().getCollectedAt(), info,
                ENVELOPE_SERDE.serialize(Topics.SNAPSHOTS, info));
    }
}

package dev.pgvigil.schema.kafka;

import dev.pgvigil.schema.ActivitySnapshot;
import dev.pgvigil.schema.AlertState;
import dev.pgvigil.schema.BaselineSet;
import dev.pgvigil.schema.DatabaseStatsChunk;
import dev.pgvigil.schema.FailedNotification;
import dev.pgvigil.schema.Finding;
import dev.pgvigil.schema.IndexesChunk;
import dev.pgvigil.schema.MetricBatch;
import dev.pgvigil.schema.ReplicationSnapshot;
import dev.pgvigil.schema.Rollup;
import dev.pgvigil.schema.SettingsChunk;
import dev.pgvigil.schema.Silence;
import dev.pgvigil.schema.Target;
import dev.pgvigil.schema.TargetStatus;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.StatementsChunk;
import dev.pgvigil.schema.TablesChunk;
import dev.pgvigil.schema.Violation;

/** One serde per payload type, declared once. Serdes are stateless after construction and thread-safe. */
public final class Serdes {
    private Serdes() {}

    public static AvroSerde<SnapshotInfo> snapshotInfo() { return new AvroSerde<>(SnapshotInfo.getClassSchema()); }
    public static AvroSerde<DatabaseStatsChunk> databaseStats() { return new AvroSerde<>(DatabaseStatsChunk.getClassSchema()); }
    public static AvroSerde<StatementsChunk> statements() { return new AvroSerde<>(StatementsChunk.getClassSchema()); }
    public static AvroSerde<TablesChunk> tables() { return new AvroSerde<>(TablesChunk.getClassSchema()); }
    public static AvroSerde<IndexesChunk> indexes() { return new AvroSerde<>(IndexesChunk.getClassSchema()); }
    public static AvroSerde<ActivitySnapshot> activity() { return new AvroSerde<>(ActivitySnapshot.getClassSchema()); }
    public static AvroSerde<SettingsChunk> settings() { return new AvroSerde<>(SettingsChunk.getClassSchema()); }
    public static AvroSerde<ReplicationSnapshot> replication() { return new AvroSerde<>(ReplicationSnapshot.getClassSchema()); }
    public static AvroSerde<MetricBatch> metrics() { return new AvroSerde<>(MetricBatch.getClassSchema()); }
    public static AvroSerde<Rollup> rollup() { return new AvroSerde<>(Rollup.getClassSchema()); }
    public static AvroSerde<Violation> violation() { return new AvroSerde<>(Violation.getClassSchema()); }
    public static AvroSerde<Finding> finding() { return new AvroSerde<>(Finding.getClassSchema()); }
    public static AvroSerde<BaselineSet> baselines() { return new AvroSerde<>(BaselineSet.getClassSchema()); }
    public static AvroSerde<AlertState> alertState() { return new AvroSerde<>(AlertState.getClassSchema()); }
    public static AvroSerde<Silence> silence() { return new AvroSerde<>(Silence.getClassSchema()); }
    public static AvroSerde<Target> target() { return new AvroSerde<>(Target.getClassSchema()); }
    public static AvroSerde<TargetStatus> targetStatus() { return new AvroSerde<>(TargetStatus.getClassSchema()); }
    public static AvroSerde<FailedNotification> failedNotification() { return new AvroSerde<>(FailedNotification.getClassSchema()); }
}

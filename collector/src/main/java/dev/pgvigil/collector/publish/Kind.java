package dev.pgvigil.collector.publish;

import dev.pgvigil.schema.ActivitySnapshot;
import dev.pgvigil.schema.DatabaseStatsChunk;
import dev.pgvigil.schema.IndexesChunk;
import dev.pgvigil.schema.ReplicationSnapshot;
import dev.pgvigil.schema.SettingsChunk;
import dev.pgvigil.schema.StatementsChunk;
import dev.pgvigil.schema.TablesChunk;
import dev.pgvigil.schema.kafka.AvroSerde;
import dev.pgvigil.schema.kafka.Topics;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** The kinds of stats a snapshot carries: the key in SnapshotInfo.chunkCounts, the topic, the payload schema. */
public enum Kind {
    DATABASE("database", Topics.STATS_DATABASE, DatabaseStatsChunk.getClassSchema()),
    STATEMENTS("statements", Topics.STATS_STATEMENTS, StatementsChunk.getClassSchema()),
    TABLES("tables", Topics.STATS_TABLES, TablesChunk.getClassSchema()),
    INDEXES("indexes", Topics.STATS_INDEXES, IndexesChunk.getClassSchema()),
    ACTIVITY("activity", Topics.STATS_ACTIVITY, ActivitySnapshot.getClassSchema()),
    SETTINGS("settings", Topics.STATS_SETTINGS, SettingsChunk.getClassSchema()),
    REPLICATION("replication", Topics.STATS_REPLICATION, ReplicationSnapshot.getClassSchema());

    private final String key;
    private final String topic;
    private final AvroSerde<SpecificRecord> serde;

    Kind(String key, String topic, Schema schema) {
        this.key = key;
        this.topic = topic;
        this.serde = new AvroSerde<>(schema);
    }

    public String key() {
        return key;
    }

    public String topic() {
        return topic;
    }

    byte[] serialize(SpecificRecord record) {
        return serde.serialize(topic, record);
    }
}

package dev.pgvigil.collector.publish;

import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.TargetStatus;
import dev.pgvigil.schema.kafka.AvroSerde;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;

/**
 * A target's status record on pgvigil.targets.status, made from the envelope of its last snapshot and
 * naming this collector, so {@code pgvigil targets list} and {@code GET /api/targets} can say who
 * collects each target, when it last did and what went wrong, from Kafka alone. The envelope's error is
 * already free of passwords (the target's connection redacts it where it is made).
 */
public final class StatusRecords {
    private static final AvroSerde<TargetStatus> SERDE = Serdes.targetStatus();

    private final String collector;
    private final String host;

    /** @param collector this collector's name in its group (its client id) */
    public StatusRecords(String collector) {
        this.collector = collector;
        this.host = localHost();
    }

    public OutRecord of(SnapshotInfo info) {
        TargetStatus status = TargetStatus.newBuilder()
                .setCollector(collector)
                .setHost(host)
                .setLastCycleAt(info.getRef().getCollectedAt())
                .setLastDurationMs(info.getDurationMs())
                .setLastStatus(info.getStatus().name())
                .setLastError(info.getError())
                .build();
        String key = info.getRef().getInstanceId().toString();
        return new OutRecord(Topics.TARGETS_STATUS, key, info.getRef().getCollectedAt(), status, SERDE.serialize(Topics.TARGETS_STATUS, status));
    }

    /** Removes a target's status: it left the fleet. */
    public OutRecord tombstone(String targetId) {
        return new OutRecord(Topics.TARGETS_STATUS, targetId, Instant.now(), null, null);
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "";
        }
    }
}

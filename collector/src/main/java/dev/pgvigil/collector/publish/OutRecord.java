package dev.pgvigil.collector.publish;

import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/** One Kafka record to publish: keyed by instance id, timestamped with the snapshot's collectedAt. */
public record OutRecord(String topic, String key, Instant timestamp, SpecificRecord value, byte[] bytes) {}

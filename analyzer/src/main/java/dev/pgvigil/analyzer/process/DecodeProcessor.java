package dev.pgvigil.analyzer.process;

import dev.pgvigil.analyzer.TopologyNames;
import dev.pgvigil.schema.InstanceIds;
import dev.pgvigil.schema.SnapshotRef;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a source topic's bytes into its Avro record. A record that cannot be decoded goes, as it came, to
 * pgvigil.analyzer.dlq with the error in headers (named as Kafka's KIP-1034 dead letter queue names them),
 * inside the same transaction as everything else, and the stream goes on.
 *
 * <p>So does a record whose key is not the instance its payload names, or names no valid instance id: the
 * key decides the partition and the state it updates, so a record re-sent under another key would feed one
 * instance's numbers into another's state (a hostile probe froze an instance and raised a false
 * instance_down that way).
 *
 * <p>And so does a record with values no PostgreSQL gives: NaN, a negative counter, a 1 MB name, an
 * absurd number of entities (see {@link PayloadCheck}).
 */
public final class DecodeProcessor<T> implements Processor<String, byte[], String, Object> {
    private static final Logger log = LoggerFactory.getLogger(DecodeProcessor.class);
    public static final String HEADER_EXCEPTION = "__streams.errors.exception";
    public static final String HEADER_MESSAGE = "__streams.errors.message";
    public static final String HEADER_TOPIC = "__streams.errors.topic";
    public static final String HEADER_PARTITION = "__streams.errors.partition";
    public static final String HEADER_OFFSET = "__streams.errors.offset";
    /** Set when the value was cut to {@link #DLQ_MAX_VALUE_BYTES}: the original length. */
    public static final String HEADER_TRUNCATED = "pgvigil.dlq.truncated-from";
    /**
     * The most of a poison value kept on the dead letter topic. A value near Kafka's message limit plus the
     * error headers would exceed it, and a dead letter the producer cannot send stops the stream; the
     * start of the value and the offset are enough to find and study it.
     */
    public static final int DLQ_MAX_VALUE_BYTES = 512 * 1024;

    private final Deserializer<T> deserializer;
    private final Function<T, SnapshotRef> ref;
    private final String next;
    private ProcessorContext<String, Object> context;

    /** @param ref the snapshot a decoded record belongs to, whose instance must be the record's key */
    public DecodeProcessor(Deserializer<T> deserializer, Function<T, SnapshotRef> ref, String next) {
        this.deserializer = deserializer;
        this.ref = ref;
        this.next = next;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            return; // a tombstone carries nothing to analyze
        }
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
        T value;
        try {
            value = deserializer.deserialize(topic, record.headers(), record.value());
            checkKey(record.key(), value);
            PayloadCheck.check(value);
        } catch (RuntimeException e) {
            deadLetter(context, record, e);
            return;
        }
        context.forward(record.withValue(value), next);
    }

    private void checkKey(String key, T value) {
        SnapshotRef snapshot = ref.apply(value);
        String instance = snapshot == null ? null : snapshot.getInstanceId();
        if (!InstanceIds.isValid(instance)) {
            throw new IllegalArgumentException("the payload's instance id is not " + InstanceIds.RULE);
        }
        if (!instance.equals(key)) {
            throw new IllegalArgumentException("the record's key " + (key == null ? "is missing" : "is not its payload's instance '" + instance + "'"));
        }
    }

    /** Sends the record, as it came, to the dead letter topic with the error in headers; also for other poison (baseline requests). */
    static void deadLetter(ProcessorContext<String, Object> context, Record<String, byte[]> record, RuntimeException e) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        String topic = meta == null ? "?" : meta.topic();
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add(HEADER_EXCEPTION, utf8(e.getClass().getName()));
        headers.add(HEADER_MESSAGE, utf8(shortened(String.valueOf(e.getMessage()))));
        headers.add(HEADER_TOPIC, utf8(topic));
        headers.add(HEADER_PARTITION, utf8(meta == null ? "?" : String.valueOf(meta.partition())));
        headers.add(HEADER_OFFSET, utf8(meta == null ? "?" : String.valueOf(meta.offset())));
        byte[] value = record.value();
        if (value != null && value.length > DLQ_MAX_VALUE_BYTES) {
            headers.add(HEADER_TRUNCATED, utf8(String.valueOf(value.length)));
            value = java.util.Arrays.copyOf(value, DLQ_MAX_VALUE_BYTES);
        }
        log.warn("record {}-{}@{} (key {}) cannot be analyzed, sent to {}: {}", topic, meta == null ? "?" : meta.partition(),
                meta == null ? "?" : meta.offset(), record.key(), TopologyNames.DLQ_SINK, e.getMessage());
        context.forward(new Record<>(record.key(), (Object) value, record.timestamp(), headers), TopologyNames.DLQ_SINK);
    }

    /** An exception's message can quote the poison itself (a decoder's complaint about a huge string): keep the start. */
    private static String shortened(String message) {
        return message.length() > 1000 ? message.substring(0, 1000) + "…" : message;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

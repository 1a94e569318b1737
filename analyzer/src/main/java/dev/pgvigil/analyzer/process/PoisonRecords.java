package dev.pgvigil.analyzer.process;

import dev.pgvigil.schema.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the analyzer does with a record it cannot turn into valid output (undecodable bytes, a key that is
 * not its payload's instance, an invalid baseline request, or any other processing failure): Kafka Streams'
 * own dead letter queue (KIP-1034) takes the source record as it came, in the same transaction as
 * everything else, with the error in Kafka's {@code __streams.errors.*} headers, and the stream goes on.
 *
 * <p>Kafka's {@code LogAndContinueProcessingExceptionHandler} does the same but logs a stack trace per
 * record; a hostile producer could fill the log that way, so this logs one line.
 */
public final class PoisonRecords implements ProcessingExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(PoisonRecords.class);
    public static final String HEADER_EXCEPTION = "__streams.errors.exception";
    public static final String HEADER_MESSAGE = "__streams.errors.message";
    public static final String HEADER_TOPIC = "__streams.errors.topic";
    public static final String HEADER_PARTITION = "__streams.errors.partition";
    public static final String HEADER_OFFSET = "__streams.errors.offset";
    /** Set when the value was cut to {@link #MAX_VALUE_BYTES}: the original length. */
    public static final String HEADER_TRUNCATED = "pgvigil.dlq.truncated-from";
    /**
     * The most of a poison value kept on the dead letter topic. A value near Kafka's message limit plus the
     * error headers would exceed it, and a dead letter the producer cannot send stops the stream; the start
     * of the value and the offset are enough to find and study it.
     */
    public static final int MAX_VALUE_BYTES = 512 * 1024;

    private String deadLetterTopic;

    /** The Streams settings that route poison to pgvigil.analyzer.dlq through this handler. */
    public static Map<String, String> streamsSettings() {
        return Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.ANALYZER_DLQ,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, PoisonRecords.class.getName());
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null) {
            throw new IllegalStateException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG + " is not set");
        }
        deadLetterTopic = topic.toString();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        log.warn("record {}-{}@{} (key {}) cannot be analyzed ({}), sent to {}: {}", context.topic(), context.partition(), context.offset(),
                record == null ? null : record.key(), context.processorNodeId(), deadLetterTopic, shortened(exception.toString()));
        if (context.sourceRawValue() == null && context.sourceRawKey() == null) {
            return Response.resume(); // a punctuation has no source record to keep
        }
        Headers headers = new RecordHeaders(context.headers().toArray());
        headers.add(HEADER_EXCEPTION, utf8(exception.getClass().getName()));
        headers.add(HEADER_MESSAGE, utf8(shortened(String.valueOf(exception.getMessage()))));
        headers.add(HEADER_TOPIC, utf8(context.topic()));
        headers.add(HEADER_PARTITION, utf8(String.valueOf(context.partition())));
        headers.add(HEADER_OFFSET, utf8(String.valueOf(context.offset())));
        byte[] value = context.sourceRawValue();
        if (value != null && value.length > MAX_VALUE_BYTES) {
            headers.add(HEADER_TRUNCATED, utf8(String.valueOf(value.length)));
            value = Arrays.copyOf(value, MAX_VALUE_BYTES);
        }
        return Response.resume(List.of(new ProducerRecord<>(deadLetterTopic, null, context.timestamp(), context.sourceRawKey(),
                value, headers)));
    }

    /** An exception's message can quote the poison itself (a decoder's complaint about a huge string): keep the start. */
    private static String shortened(String message) {
        return message.length() > 1000 ? message.substring(0, 1000) + "…" : message;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

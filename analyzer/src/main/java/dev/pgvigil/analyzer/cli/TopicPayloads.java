package dev.pgvigil.analyzer.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvigil.schema.kafka.AvroJson;
import dev.pgvigil.schema.kafka.AvroSerde;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * What each pgvigil topic carries, in one place: the serde of its Avro payload, or how to show a topic
 * that is not Avro (the baseline requests are text; the dead letter topics hold whatever could not be
 * read, shown with their error headers and the raw bytes in base64).
 */
public final class TopicPayloads {
    private TopicPayloads() {}

    private static final Map<String, AvroSerde<? extends SpecificRecord>> AVRO = new LinkedHashMap<>();

    static {
        AVRO.put(Topics.SNAPSHOTS, Serdes.snapshotInfo());
        AVRO.put(Topics.STATS_DATABASE, Serdes.databaseStats());
        AVRO.put(Topics.STATS_STATEMENTS, Serdes.statements());
        AVRO.put(Topics.STATS_TABLES, Serdes.tables());
        AVRO.put(Topics.STATS_INDEXES, Serdes.indexes());
        AVRO.put(Topics.STATS_ACTIVITY, Serdes.activity());
        AVRO.put(Topics.STATS_SETTINGS, Serdes.settings());
        AVRO.put(Topics.STATS_REPLICATION, Serdes.replication());
        AVRO.put(Topics.METRICS, Serdes.metrics());
        AVRO.put(Topics.rollups("1m"), Serdes.rollup());
        AVRO.put(Topics.rollups("1h"), Serdes.rollup());
        AVRO.put(Topics.VIOLATIONS, Serdes.violation());
        AVRO.put(Topics.FINDINGS, Serdes.finding());
        AVRO.put(Topics.BASELINES, Serdes.baselines());
        AVRO.put(Topics.ALERTS, Serdes.alertState());
        AVRO.put(Topics.SILENCES, Serdes.silence());
        AVRO.put(Topics.NOTIFICATIONS_DLQ, Serdes.failedNotification());
    }

    private static final java.util.Set<String> RAW = java.util.Set.of(Topics.ANALYZER_DLQ, Topics.ALERTER_DLQ);

    /** Every topic tail can show. */
    public static java.util.Set<String> known() {
        java.util.Set<String> all = new TreeSet<>(AVRO.keySet());
        all.addAll(RAW);
        all.add(Topics.BASELINE_REQUESTS);
        return all;
    }

    /** A function from a record of {@code topic} to one JSON line, or null when pgvigil does not know the topic. */
    public static Function<ConsumerRecord<String, byte[]>, ObjectNode> renderer(String topic) {
        AvroSerde<? extends SpecificRecord> serde = AVRO.get(topic);
        if (serde != null) {
            return r -> r.value() == null ? tombstone(r) : AvroJson.toJson(serde.deserialize(topic, r.value()));
        }
        if (RAW.contains(topic)) {
            return TopicPayloads::raw;
        }
        if (Topics.BASELINE_REQUESTS.equals(topic)) {
            return r -> {
                ObjectNode n = JsonNodeFactory.instance.objectNode();
                n.put("instanceId", r.key());
                n.put("name", r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8));
                n.put("requestedAt", Instant.ofEpochMilli(r.timestamp()).toString());
                return n;
            };
        }
        return null;
    }

    private static ObjectNode tombstone(ConsumerRecord<String, byte[]> r) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("key", r.key());
        n.putNull("value");
        return n;
    }

    private static ObjectNode raw(ConsumerRecord<String, byte[]> r) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("key", r.key());
        n.put("timestamp", Instant.ofEpochMilli(r.timestamp()).toString());
        ObjectNode headers = n.putObject("headers");
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        n.put("valueBase64", r.value() == null ? null : Base64.getEncoder().encodeToString(r.value()));
        return n;
    }
}

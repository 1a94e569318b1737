package dev.pgvigil.bench.analyzer;

import dev.pgvigil.analyzer.Analyzer;
import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.schema.ChunkInfo;
import dev.pgvigil.schema.kafka.AvroSerde;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * What Kafka Streams itself costs here, with the analyzer's settings (exactly-once, commit interval,
 * producer) and inputs. Two floors:
 *
 * <ul>
 *   <li>{@link Kind#DECODE}: a topology that only decodes each record. No state, no output: the most any
 *       topology on these inputs can reach on this machine.</li>
 *   <li>{@link Kind#STATE}: decodes, then keeps what any delta computation must remember and restore
 *       after a crash: the numeric fields of every entity (nothing else: no text, no rules, no output),
 *       one changelogged, cached store record per input chunk. The most an exactly-once analyzer of
 *       per-interval deltas can reach, whatever else it computes.</li>
 * </ul>
 */
final class StreamsFloor {
    private StreamsFloor() {}

    enum Kind { DECODE, STATE }

    private static final String COUNTERS_STORE = "floor-counters";

    static KafkaStreams start(KafkaSettings kafka, AnalyzerConfig config, Map<String, AvroSerde<?>> serdes, Kind kind) {
        Topology t = new Topology();
        String[] processors = serdes.keySet().stream().map(topic -> "decode-" + topic).toArray(String[]::new);
        serdes.forEach((topic, serde) -> {
            String source = "source-" + topic;
            t.addSource(source, new StringDeserializer(), new ByteArrayDeserializer(), topic);
            t.addProcessor("decode-" + topic, () -> new Processor<String, byte[], Void, Void>() {
                private KeyValueStore<String, byte[]> counters;

                @Override
                public void init(ProcessorContext<Void, Void> context) {
                    counters = kind == Kind.STATE ? context.getStateStore(COUNTERS_STORE) : null;
                }

                @Override
                public void process(Record<String, byte[]> record) {
                    Object value = serde.deserialize(topic, record.value());
                    if (value == null) {
                        throw new IllegalStateException("a record that decodes to nothing on " + topic);
                    }
                    if (counters != null) {
                        SpecificRecord chunk = (SpecificRecord) value;
                        counters.put(record.key() + '/' + topic + '/' + chunkIndex(chunk), numericFields(chunk));
                    }
                }
            }, source);
        });
        if (kind == Kind.STATE) {
            t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(COUNTERS_STORE), Serdes.String(), Serdes.ByteArray())
                    .withCachingEnabled(), processors);
        }
        Properties p = Analyzer.streamsProperties(kafka, config);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId() + "-floor");
        KafkaStreams streams = new KafkaStreams(t, p);
        streams.start();
        return streams;
    }

    private static int chunkIndex(SpecificRecord record) {
        Schema.Field field = record.getSchema().getField("chunk");
        return field != null && record.get(field.pos()) instanceof ChunkInfo c ? c.getIndex() : 0;
    }

    /**
     * Every long and int (as a variable-length zig-zag number, as Avro writes them) and double (8 bytes) of
     * the record's entities (its arrays of records), in order: the smallest state that restores deltas.
     */
    private static byte[] numericFields(SpecificRecord record) {
        ByteArrayOutputStream out = BUFFER.get();
        out.reset();
        for (Schema.Field f : record.getSchema().getFields()) {
            if (record.get(f.pos()) instanceof List<?> entities) {
                for (Object e : entities) {
                    if (e instanceof SpecificRecord entity) {
                        appendNumbers(entity, out);
                    }
                }
            }
        }
        return out.toByteArray();
    }

    private static final ThreadLocal<ByteArrayOutputStream> BUFFER = ThreadLocal.withInitial(() -> new ByteArrayOutputStream(1 << 16));

    private static void appendNumbers(SpecificRecord entity, ByteArrayOutputStream out) {
        int fields = entity.getSchema().getFields().size();
        for (int i = 0; i < fields; i++) {
            Object v = entity.get(i);
            if (v instanceof Double d) {
                long bits = Double.doubleToRawLongBits(d);
                for (int b = 0; b < 8; b++) {
                    out.write((int) (bits >>> (8 * b)));
                }
            } else if (v instanceof Long || v instanceof Integer) {
                long n = ((Number) v).longValue();
                long zigzag = (n << 1) ^ (n >> 63);
                while ((zigzag & ~0x7FL) != 0) {
                    out.write((int) ((zigzag & 0x7F) | 0x80));
                    zigzag >>>= 7;
                }
                out.write((int) zigzag);
            }
        }
    }
}

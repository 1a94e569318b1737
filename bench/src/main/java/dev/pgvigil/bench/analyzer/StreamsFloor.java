package dev.pgvigil.bench.analyzer;

import dev.pgvigil.analyzer.Analyzer;
import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.schema.kafka.AvroSerde;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * What Kafka Streams itself costs here: the analyzer's settings (exactly-once, commit interval, producer)
 * and inputs, a topology that only decodes each record. No state, no output: the most any topology on
 * these inputs can reach on this machine, between the plain consumer and the analyzer.
 */
final class StreamsFloor {
    private StreamsFloor() {}

    static KafkaStreams start(KafkaSettings kafka, AnalyzerConfig config, Map<String, AvroSerde<?>> serdes) {
        Topology t = new Topology();
        serdes.forEach((topic, serde) -> {
            String source = "source-" + topic;
            t.addSource(source, new StringDeserializer(), new ByteArrayDeserializer(), topic);
            t.addProcessor("decode-" + topic, () -> new Processor<String, byte[], Void, Void>() {
                @Override
                public void process(Record<String, byte[]> record) {
                    if (serde.deserialize(topic, record.value()) == null) {
                        throw new IllegalStateException("a record that decodes to nothing on " + topic);
                    }
                }
            }, source);
        });
        Properties p = Analyzer.streamsProperties(kafka, config);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId() + "-floor");
        KafkaStreams streams = new KafkaStreams(t, p);
        streams.start();
        return streams;
    }
}

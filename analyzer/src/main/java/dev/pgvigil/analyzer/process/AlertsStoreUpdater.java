package dev.pgvigil.analyzer.process;

import dev.pgvigil.analyzer.TopologyNames;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global alerts store equal to the compacted pgvigil.alerts: a state replaces the alert's
 * previous one, a tombstone removes it. Values stay the topic's bytes, because Kafka Streams restores
 * a global store by copying the topic as it is; the reader decodes them and skips what it cannot.
 */
public final class AlertsStoreUpdater implements Processor<String, byte[], Void, Void> {
    private KeyValueStore<String, byte[]> alerts;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        alerts = context.getStateStore(TopologyNames.ALERTS_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            alerts.delete(record.key());
        } else {
            alerts.put(record.key(), record.value());
        }
    }
}

package dev.pgvigil.analyzer.process;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Hands every record on to all its children, unchanged: lets a processor forward to one named child
 * while the topology decides who receives from it.
 */
public final class FanOut<K, V> implements Processor<K, V, K, V> {
    private ProcessorContext<K, V> context;

    @Override
    public void init(ProcessorContext<K, V> context) {
        this.context = context;
    }

    @Override
    public void process(Record<K, V> record) {
        context.forward(record);
    }
}

package dev.pgvigil.analyzer.process;

import dev.pgvigil.schema.InstanceIds;
import dev.pgvigil.schema.SnapshotRef;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Turns a source topic's bytes into its Avro record. A record that cannot be decoded is refused with an
 * exception, which {@link PoisonRecords} turns into a dead letter, and the stream goes on.
 *
 * <p>So is a record whose key is not the instance its payload names, or names no valid instance id: the
 * key decides the partition and the state it updates, so a record re-sent under another key would feed one
 * instance's numbers into another's state (a hostile probe froze an instance and raised a false
 * instance_down that way).
 *
 * <p>And so is a record with values no PostgreSQL gives: NaN, a negative counter, a 1 MB name, an absurd
 * number of entities (see {@link PayloadCheck}).
 */
public final class DecodeProcessor<T> implements Processor<String, byte[], String, Object> {
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
        T value = deserializer.deserialize(topic, record.headers(), record.value());
        checkKey(record.key(), value);
        PayloadCheck.check(value);
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

}

package dev.pgvigil.schema.kafka;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for pgvigil's Avro records without a schema registry.
 *
 * <p>The wire format is Avro's single-object encoding: two marker bytes {@code C3 01}, the 8-byte
 * CRC-64-AVRO fingerprint of the writer's schema, then the binary-encoded record. The fingerprint lets a
 * reader find the writer's schema (ours ship in the jar under {@code pgvigil/avro/}) and resolve it
 * against its own, so schemas can evolve with defaults. A null value is a tombstone both ways.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {
    private final Schema schema;
    /** The single-object header: marker bytes, then the schema's fingerprint, little-endian. */
    private final byte[] header;
    private final SpecificDatumWriter<T> writer;
    /** Reads what this serde's schema wrote: the common case, without the message decoder's per-byte stream. */
    private final SpecificDatumReader<T> reader;
    /** Reads the rest: records written with another known version of the schema. */
    private final BinaryMessageDecoder<T> decoder;

    public AvroSerde(Schema schema) {
        this.schema = schema;
        SpecificData model = SpecificData.getForSchema(schema);
        this.header = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0xC3).put((byte) 0x01)
                .putLong(SchemaNormalization.parsingFingerprint64(schema)).array();
        SpecificData generated = generatedCodersModel(model);
        this.writer = new SpecificDatumWriter<>(schema, generated);
        this.reader = new SpecificDatumReader<>(schema, schema, generated);
        this.decoder = new BinaryMessageDecoder<>(model, schema);
    }

    /**
     * The classes' model with their generated encoders and decoders switched on (Avro leaves them off
     * unless a system property says otherwise): records without logical types then write and read
     * themselves field by field instead of through the schema walk, a few times faster for the many small
     * records of a chunk. Only for this serde's own schema: other writer schemas need resolving.
     */
    private static SpecificData generatedCodersModel(SpecificData classModel) {
        SpecificData model = new SpecificData(classModel.getClassLoader());
        classModel.getConversions().forEach(model::addLogicalTypeConversion);
        model.setCustomCoders(true);
        return model;
    }

    /** The buffer, encoder and decoder of this thread, reused for every record it writes or reads. */
    private static final class Codec {
        final ReusableBuffer bytes = new ReusableBuffer();
        BinaryEncoder encoder;
        BinaryDecoder decoder;
    }

    private static final ThreadLocal<Codec> CODECS = ThreadLocal.withInitial(Codec::new);

    /** Lets this serde read records written with an older (or newer) version of its schema. */
    public AvroSerde<T> alsoReading(Schema writerSchema) {
        decoder.addSchema(writerSchema);
        return this;
    }

    public Schema schema() {
        return schema;
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        Codec out = CODECS.get();
        out.bytes.reset();
        try {
            out.bytes.write(header, 0, header.length);
            out.encoder = EncoderFactory.get().binaryEncoder(out.bytes, out.encoder);
            writer.write(record, out.encoder);
            out.encoder.flush();
            return out.bytes.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + schema.getName() + " for topic " + topic, e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            if (writtenWithThisSchema(bytes)) {
                Codec in = CODECS.get();
                in.decoder = DecoderFactory.get().binaryDecoder(bytes, header.length, bytes.length - header.length, in.decoder);
                return reader.read(null, in.decoder);
            }
            return decoder.decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "cannot decode " + schema.getName() + " from topic " + topic + " (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
    }

    private boolean writtenWithThisSchema(byte[] bytes) {
        return bytes.length >= header.length && Arrays.equals(bytes, 0, header.length, header, 0, header.length);
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // configured by construction
    }

    @Override
    public void close() {
        // nothing held
    }
}

package dev.pgvigil.analyzer.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of the analyzer's own state records: a format version byte, then the codec's fields. State is
 * hot (read and written for every chunk), so it is packed by hand rather than as JSON.
 */
public final class BinarySerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {
    private static final byte VERSION = 1;
    private final String name;
    private final Codec<T> codec;

    public BinarySerde(String name, Codec<T> codec) {
        this.name = name;
        this.codec = codec;
    }

    @Override
    public byte[] serialize(String topic, T value) {
        if (value == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            codec.write(out, value);
        } catch (IOException e) {
            throw new SerializationException("cannot encode " + name, e);
        }
        return bytes.toByteArray();
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new SerializationException(name + " state of unknown format version " + version);
            }
            return codec.read(in);
        } catch (IOException e) {
            throw new SerializationException("cannot decode " + name + " (" + data.length + " bytes)", e);
        }
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

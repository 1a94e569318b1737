package dev.pgvigil.analyzer.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serdes of the analyzer's own state. Hot state (read and written for every chunk: entity buckets,
 * rollups, baselines) is packed by hand, a format version byte first; the small per-instance records
 * are JSON, easy to read in a changelog and open to new fields without a migration.
 */
public final class StateSerdes {
    private StateSerdes() {}

    private static final byte VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** An output per thread, reused for every value it encodes. */
    private static final ThreadLocal<StateOutput> BUFFERS = ThreadLocal.withInitial(StateOutput::new);

    public static <T> Serde<T> binary(String name, Codec<T> codec) {
        Serializer<T> out = (topic, value) -> {
            if (value == null) {
                return null;
            }
            StateOutput buffer = BUFFERS.get();
            buffer.reset();
            try {
                buffer.writeByte(VERSION);
                codec.write(buffer, value);
            } catch (IOException e) {
                throw new SerializationException("cannot encode " + name, e);
            }
            return buffer.toByteArray();
        };
        Deserializer<T> in = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try (DataInputStream data = new DataInputStream(new ByteArrayInputStream(bytes))) {
                byte version = data.readByte();
                if (version != VERSION) {
                    throw new SerializationException(name + " state of unknown format version " + version);
                }
                return codec.read(data);
            } catch (IOException e) {
                throw new SerializationException("cannot decode " + name + " (" + bytes.length + " bytes)", e);
            }
        };
        return Serdes.serdeFrom(out, in);
    }

    public static <T> Serde<T> json(Class<T> type) {
        Serializer<T> out = (topic, value) -> {
            try {
                return value == null ? null : JSON.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new SerializationException("cannot encode " + type.getSimpleName(), e);
            }
        };
        Deserializer<T> in = (topic, bytes) -> {
            try {
                return bytes == null ? null : JSON.readValue(bytes, type);
            } catch (IOException e) {
                throw new SerializationException("cannot decode " + type.getSimpleName() + ": " + e.getMessage(), e);
            }
        };
        return Serdes.serdeFrom(out, in);
    }
}

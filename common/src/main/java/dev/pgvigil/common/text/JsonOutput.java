package dev.pgvigil.common.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * The {@code --json} output of every command: records serialize as they are, time as ISO-8601 text,
 * indented, one document per run.
 */
public final class JsonOutput {
    private final ObjectMapper mapper;

    private JsonOutput(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The shared settings, plus any serializers a module needs for its own types. */
    public static JsonOutput create(Module... modules) {
        ObjectMapper mapper = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT);
        for (Module module : modules) {
            mapper.registerModule(module);
        }
        return new JsonOutput(mapper);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void print(PrintWriter out, Object value) {
        out.println(write(value));
        out.flush();
    }
}

package dev.pgvigil.common.http;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pgvigil.common.text.JsonOutput;
import java.io.UncheckedIOException;

/** JSON on the wire: the settings of {@link JsonOutput} (records as they are, ISO-8601 times), compact. */
final class Json {
    static final ObjectMapper MAPPER = JsonOutput.create().mapper().copy()
            .disable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // a null inside a list or map of a request ({"matchers":[null]}) is a bad request, not a NullPointerException later
            .setDefaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));

    private Json() {}

    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.pgvigil.common.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a handler answers: status, content type, extra headers and the body bytes. */
public record Response(int status, String contentType, Map<String, String> headers, byte[] body) {
    public static final String JSON = "application/json";
    public static final String TEXT = "text/plain; charset=utf-8";

    public Response {
        headers = Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    /** 200 with {@code value} as JSON (records serialize as they are, times as ISO-8601). */
    public static Response json(Object value) {
        return json(200, value);
    }

    public static Response json(int status, Object value) {
        return new Response(status, JSON, Map.of(), Json.bytes(value));
    }

    public static Response text(int status, String contentType, String body) {
        return new Response(status, contentType, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }

    public static Response bytes(String contentType, byte[] body) {
        return new Response(200, contentType, Map.of(), body);
    }

    /** The JSON error body of {@code error}. */
    public static Response error(HttpError error) {
        return new Response(error.status(), JSON, error.headers(), Json.bytes(error.body()));
    }

    public Response withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new Response(status, contentType, copy, body);
    }
}

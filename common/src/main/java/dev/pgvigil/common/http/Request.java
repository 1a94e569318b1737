package dev.pgvigil.common.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One HTTP request as a handler sees it: method, path, path parameters from the route pattern, query
 * parameters, headers and body. The parameter readers turn a bad value into a 400 that names the
 * parameter, so handlers never validate by hand.
 */
public final class Request {
    /** Bodies larger than this are refused with 413: pgvigil's requests are small JSON documents. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private final String method;
    private final String path;
    private final Map<String, String> pathParams;
    private final Map<String, String> query;
    private final Function<String, String> headers;
    private final InputStream bodyStream;
    private byte[] body;

    Request(String method, String path, Map<String, String> pathParams, String rawQuery,
            Function<String, String> headers, InputStream bodyStream) {
        this.method = method;
        this.path = path;
        this.pathParams = Map.copyOf(pathParams);
        this.query = parseQuery(rawQuery);
        this.headers = headers;
        this.bodyStream = bodyStream;
    }

    public String method() {
        return method;
    }

    /** The decoded path, e.g. {@code /api/instances/db1/series}. */
    public String path() {
        return path;
    }

    /** A {@code {name}} segment of the route pattern (decoded); the route guarantees it is there. */
    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalStateException("route has no path parameter {" + name + "}");
        }
        return value;
    }

    /** A request header (case-insensitive), or null. */
    public String header(String name) {
        return headers.apply(name);
    }

    /** Refuses parameters the endpoint does not know, so a typo ({@code form=}) is not silently ignored. */
    public void allowOnly(String... names) {
        List<String> known = Arrays.asList(names);
        for (String name : query.keySet()) {
            if (!known.contains(name)) {
                throw HttpError.badParameter(name, "unknown parameter"
                        + (known.isEmpty() ? " (this endpoint takes none)" : " (known: " + String.join(", ", known) + ")"));
            }
        }
    }

    /** A query parameter; an empty value counts as absent. */
    public Optional<String> query(String name) {
        String value = query.get(name);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    public String requiredQuery(String name) {
        return query(name).orElseThrow(() -> HttpError.badParameter(name, "is required"));
    }

    /**
     * A query parameter parsed by {@code parse}; an {@link IllegalArgumentException} (or
     * {@link DateTimeParseException}) from it becomes a 400 naming the parameter with its message.
     */
    public <T> Optional<T> query(String name, Function<String, T> parse) {
        return query(name).map(value -> parse(name, value, parse));
    }

    /** A time: ISO-8601 with offset ({@code 2025-01-31T12:00:00Z}, {@code ...+02:00}) or epoch milliseconds. */
    public Optional<Instant> instantQuery(String name) {
        return query(name, Request::parseInstant);
    }

    /** An integer in {@code [min, max]}, or {@code fallback} when absent. */
    public int intQuery(String name, int fallback, int min, int max) {
        int value = query(name, v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a whole number, not '" + v + "'");
            }
        }).orElse(fallback);
        if (value < min || value > max) {
            throw HttpError.badParameter(name, "must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    /** One of {@code choices} (exact), or {@code fallback} when absent. */
    public String choiceQuery(String name, List<String> choices, String fallback) {
        String value = query(name).orElse(fallback);
        if (value != null && !choices.contains(value)) {
            throw HttpError.badParameter(name, "must be one of " + String.join(", ", choices) + ", not '" + value + "'");
        }
        return value;
    }

    /** The body, at most {@link #MAX_BODY_BYTES}. */
    public byte[] body() {
        if (body == null) {
            try (InputStream in = bodyStream) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (out.size() + n > MAX_BODY_BYTES) {
                        throw new HttpError(413, "request body is larger than " + MAX_BODY_BYTES + " bytes");
                    }
                    out.write(buffer, 0, n);
                }
                body = out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return body;
    }

    /** The JSON body bound to {@code type} (a record); an empty body binds {@code {}}. Errors are 400s. */
    public <T> T bodyJson(Class<T> type) {
        byte[] bytes = body();
        String contentType = header("Content-Type");
        if (bytes.length > 0 && contentType != null && !contentType.toLowerCase().startsWith("application/json")) {
            throw new HttpError(415, "expected Content-Type application/json, not " + contentType);
        }
        T value;
        try {
            value = Json.MAPPER.readValue(bytes.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : bytes, type);
        } catch (UnrecognizedPropertyException e) {
            throw HttpError.badRequest("request body: unknown field '" + e.getPropertyName() + "' (known: "
                    + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")");
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : null;
            throw HttpError.badRequest("request body: " + (cause != null ? cause.getMessage() : e.getOriginalMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (value == null) {
            throw HttpError.badRequest("request body: expected a JSON object, got null");
        }
        return value;
    }

    static Instant parseInstant(String value) {
        if (value.chars().allMatch(Character::isDigit) && !value.isEmpty() && value.length() <= 15) {
            return Instant.ofEpochMilli(Long.parseLong(value));
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "expected an ISO-8601 time with offset such as 2025-01-31T12:00:00Z, or epoch milliseconds, not '" + value + "'");
        }
    }

    private static <T> T parse(String name, String value, Function<String, T> parse) {
        try {
            return parse.apply(value);
        } catch (HttpError e) {
            throw e;
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw HttpError.badParameter(name, e.getMessage());
        }
    }

    private static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw HttpError.badRequest("malformed query string: " + e.getMessage());
            }
            if (params.putIfAbsent(name, value) != null) {
                throw HttpError.badParameter(name, "given more than once");
            }
        }
        return params;
    }
}

package dev.pgvigil.common.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request that cannot be answered as asked: thrown by handlers (or the server) and turned into a
 * JSON error body {@code {"status":400,"error":"Bad Request","message":"...","parameter":"from"}}.
 * The message is shown to the client, so it must never carry secrets or internals.
 */
public final class HttpError extends RuntimeException {
    private final int status;
    private final String parameter;
    private final Map<String, String> headers;

    public HttpError(int status, String message, String parameter) {
        this(status, message, parameter, Map.of());
    }

    private HttpError(int status, String message, String parameter, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.parameter = parameter;
        this.headers = Map.copyOf(headers);
    }

    public HttpError(int status, String message) {
        this(status, message, null);
    }

    /** 400 about one query or path parameter: the message names it, and so does the body. */
    public static HttpError badParameter(String name, String problem) {
        return new HttpError(400, "parameter '" + name + "': " + problem, name);
    }

    public static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    public static HttpError notFound(String message) {
        return new HttpError(404, message);
    }

    /** The same error with a response header, e.g. {@code Allow} on a 405. */
    public HttpError withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new HttpError(status, getMessage(), parameter, copy);
    }

    /** Headers the error response carries. */
    public Map<String, String> headers() {
        return headers;
    }

    public int status() {
        return status;
    }

    /** The parameter at fault, or null. */
    public String parameter() {
        return parameter;
    }

    /** The body the client gets. */
    public Body body() {
        return new Body(status, reason(status), getMessage(), parameter);
    }

    public record Body(int status, String error, String message, String parameter) {}

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "HTTP " + status;
        };
    }
}

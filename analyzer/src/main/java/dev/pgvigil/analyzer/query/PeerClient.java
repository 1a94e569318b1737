package dev.pgvigil.analyzer.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.common.http.HttpError;
import dev.pgvigil.common.text.JsonOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another analyzer copy's {@code /internal/...} routes (see {@link InternalRoutes}), which answer
 * from that copy's own state only, so a forwarded question is never forwarded again.
 */
final class PeerClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final ObjectMapper mapper = JsonOutput.create().mapper().copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** The answer as {@code type}; empty on 404 (the peer does not know the instance). */
    <T> Optional<T> get(HostInfo peer, String path, Map<String, String> query, JavaType type) {
        URI uri = URI.create("http://" + peer.host() + ":" + peer.port() + path + queryString(query));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json").GET().build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unavailable(peer, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(peer, "interrupted");
        }
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw unavailable(peer, "HTTP " + response.statusCode());
        }
        try {
            return Optional.of(mapper.readValue(response.body(), type));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable answer from analyzer " + peer + path, e);
        }
    }

    ObjectMapper mapper() {
        return mapper;
    }

    String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpError unavailable(HostInfo peer, String why) {
        return new HttpError(503, "the analyzer copy at " + peer.host() + ":" + peer.port() + " that holds this data did not answer ("
                + why + "); try again").withHeader("Retry-After", "5");
    }

    private static String queryString(Map<String, String> query) {
        if (query.isEmpty()) {
            return "";
        }
        StringJoiner j = new StringJoiner("&", "?", "");
        query.forEach((k, v) -> j.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return j.toString();
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

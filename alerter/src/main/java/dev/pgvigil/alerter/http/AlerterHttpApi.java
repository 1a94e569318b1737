package dev.pgvigil.alerter.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pgvigil.alerter.config.DurationText;
import dev.pgvigil.alerter.config.HttpConfig;
import dev.pgvigil.alerter.model.AlertView;
import dev.pgvigil.alerter.model.LabelMatcher;
import dev.pgvigil.alerter.model.Silence;
import dev.pgvigil.alerter.model.SilenceView;
import dev.pgvigil.alerter.state.SilenceStore;
import dev.pgvigil.common.text.JsonOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerter's HTTP API (JDK HttpServer, loopback by default):
 * <ul>
 *   <li>{@code GET /api/alerts}: the alerts this alerter owns ({@code ?instance=} to filter);</li>
 *   <li>{@code GET /api/silences}: every silence with its state;</li>
 *   <li>{@code POST /api/silences}: create one, body {@code {"matchers":[{"name":"rule","value":"dead_rows"}],
 *       "duration":"2h" | "endsAt":"...", "comment":"...", "createdBy":"..."}}; answers 201 with the silence;</li>
 *   <li>{@code DELETE /api/silences/{id}}: expire one now.</li>
 * </ul>
 * POST and DELETE need {@code Authorization: Bearer <token>}; without it, or with no token configured, 401.
 */
public final class AlerterHttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlerterHttpApi.class);
    private static final int MAX_BODY_BYTES = 64 * 1024;

    /** The body of POST /api/silences. */
    record SilenceRequest(List<SilenceView.MatcherView> matchers, Instant startsAt, Instant endsAt, String duration,
            String comment, String createdBy) {}

    private record Problem(String error) {}

    private final HttpServer server;
    private final ExecutorService executor;
    private final byte[] token;
    private final Supplier<List<AlertView>> alerts;
    private final SilenceStore silences;
    private final Clock clock;
    private final ObjectMapper json = JsonOutput.create().mapper();

    private AlerterHttpApi(HttpConfig config, Supplier<List<AlertView>> alerts, SilenceStore silences, Clock clock) throws IOException {
        this.token = config.token() == null ? null : config.token().resolve().getBytes(StandardCharsets.UTF_8);
        this.alerts = alerts;
        this.silences = silences;
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 0);
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "pgvigil-alerter-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/api/alerts", this::alerts);
        server.createContext("/api/silences", this::silences);
        server.start();
        if (token == null) {
            log.warn("alerter HTTP API has no token (alerter.http.token): it is read-only");
        }
    }

    public static AlerterHttpApi start(HttpConfig config, Supplier<List<AlertView>> alerts, SilenceStore silences, Clock clock) {
        try {
            return new AlerterHttpApi(config, alerts, silences, clock);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + config.bindAddress() + ":" + config.port() + ": " + e.getMessage(), e);
        }
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void alerts(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                send(exchange, 405, new Problem("use GET"));
                return;
            }
            Optional<String> instance = query(exchange, "instance");
            List<AlertView> all = alerts.get();
            send(exchange, 200, instance.map(i -> all.stream().filter(a -> a.instance().equals(i)).toList()).orElse(all));
        } catch (RuntimeException e) {
            failed(exchange, e);
        }
    }

    private void silences(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String rest = path.substring("/api/silences".length());
            String method = exchange.getRequestMethod();
            Instant now = clock.instant();
            if (rest.isEmpty() || rest.equals("/")) {
                switch (method) {
                    case "GET" -> send(exchange, 200, silences.all().stream().map(s -> SilenceView.of(s, now)).toList());
                    case "POST" -> {
                        if (authorized(exchange)) {
                            create(exchange, now);
                        }
                    }
                    default -> send(exchange, 405, new Problem("use GET or POST"));
                }
                return;
            }
            String id = rest.substring(1);
            switch (method) {
                case "GET" -> {
                    Optional<Silence> silence = silences.find(id);
                    if (silence.isPresent()) {
                        send(exchange, 200, SilenceView.of(silence.get(), now));
                    } else {
                        send(exchange, 404, new Problem("no silence " + id));
                    }
                }
                case "DELETE" -> {
                    if (authorized(exchange)) {
                        Optional<Silence> expired = silences.expire(id, now);
                        if (expired.isPresent()) {
                            log.info("silence {} expired over HTTP", expired.get().id());
                            send(exchange, 200, SilenceView.of(expired.get(), now));
                        } else {
                            send(exchange, 404, new Problem("no silence " + id));
                        }
                    }
                }
                default -> send(exchange, 405, new Problem("use GET or DELETE"));
            }
        } catch (IllegalArgumentException e) {
            send(exchange, 400, new Problem(e.getMessage()));
        } catch (RuntimeException e) {
            failed(exchange, e);
        }
    }

    private void create(HttpExchange exchange, Instant now) throws IOException {
        SilenceRequest request;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                send(exchange, 413, new Problem("body larger than " + MAX_BODY_BYTES + " bytes"));
                return;
            }
            request = json.readValue(body, SilenceRequest.class);
        } catch (JsonProcessingException e) {
            send(exchange, 400, new Problem("not a silence: " + e.getOriginalMessage()));
            return;
        }
        if (request.matchers() == null || request.matchers().isEmpty()) {
            throw new IllegalArgumentException("matchers are required, e.g. [{\"name\":\"instance\",\"value\":\"db-1\"}]");
        }
        if ((request.endsAt() == null) == (request.duration() == null)) {
            throw new IllegalArgumentException("give exactly one of endsAt or duration (e.g. \"2h\")");
        }
        Instant start = request.startsAt() == null ? now : request.startsAt();
        Instant end = request.endsAt() != null ? request.endsAt() : start.plus(DurationText.parse(request.duration()));
        List<LabelMatcher> matchers = request.matchers().stream().map(SilenceView.MatcherView::toMatcher).toList();
        Silence silence = silences.put(Silence.create(matchers, start, end, request.createdBy(), request.comment(), now));
        log.info("silence {} created over HTTP: {} until {}", silence.id(), silence.describeMatchers(), silence.endsAt());
        send(exchange, 201, SilenceView.of(silence, now));
    }

    private boolean authorized(HttpExchange exchange) throws IOException {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        boolean ok = token != null && header != null && header.startsWith("Bearer ")
                && MessageDigest.isEqual(token, header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8));
        if (!ok) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"pgvigil\"");
            send(exchange, 401, new Problem(token == null
                    ? "this API is read-only: no token is configured (alerter.http.token)"
                    : "a valid 'Authorization: Bearer <token>' header is required"));
        }
        return ok;
    }

    private static Optional<String> query(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getQuery();
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return Optional.of(java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    private void failed(HttpExchange exchange, RuntimeException e) throws IOException {
        log.error("alerter HTTP API: {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
        send(exchange, 500, new Problem("internal error: " + e.getMessage()));
    }

    private void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

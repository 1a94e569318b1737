package dev.pgvigil.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * The webhook receiver the alerters deliver to: records every request it got (arrival, answer, the message's
 * Idempotency-Key and the idempotency key of each alert in it), and can be made slow or failing (HTTP 500).
 */
final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One request. {@code status} is what it was answered with; {@code alertKeys} are the alerts'
     * {@code fingerprint:STATE:startsAt:sequence} keys.
     */
    record Delivery(Instant arrived, Instant answered, int status, String messageKey, String instance, List<String> alertKeys) {
        boolean succeeded() {
            return status / 100 == 2;
        }
    }

    /** An alert in a request being held: its {@code fingerprint:STATE:startsAt:sequence} key, its rule, whether it is news (not "still firing"). */
    record HeldAlert(String key, String rule, boolean news) {}

    /** A request being held open: the message's instance and alerts. */
    record Held(String instance, List<HeldAlert> alerts) {}

    private final HttpServer server;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final Map<String, Held> inFlight = new ConcurrentHashMap<>();
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean failing;

    WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hook", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** Each answer takes this long (the request is held open), as a receiver under load would. */
    void slow(Duration delay) {
        this.delay = delay;
    }

    void failing(boolean failing) {
        this.failing = failing;
    }

    /** The requests being held open right now, by message key. */
    Map<String, Held> inFlight() {
        return Map.copyOf(inFlight);
    }

    List<Delivery> deliveries() {
        return new ArrayList<>(deliveries);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Instant arrived = Instant.now();
        JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
        String instance = body.path("instance").asText();
        List<String> keys = new ArrayList<>();
        List<HeldAlert> alerts = new ArrayList<>();
        body.path("alerts").forEach(a -> {
            keys.add(a.path("idempotencyKey").asText());
            alerts.add(new HeldAlert(a.path("idempotencyKey").asText(), a.path("rule").asText(), !a.path("change").asText().equals("still_firing")));
        });
        int status = failing ? 500 : 200;
        String messageKey = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        inFlight.put(messageKey, new Held(instance, alerts));
        try {
            if (!delay.isZero()) {
                Thread.sleep(delay.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.remove(messageKey);
        }
        // recorded before answering: whether the sender is still there to read the answer is its business
        deliveries.add(new Delivery(arrived, Instant.now(), status, messageKey, instance, keys));
        try {
            exchange.sendResponseHeaders(status, -1);
        } catch (IOException ignored) {
            // the alerter was killed while we held its request
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

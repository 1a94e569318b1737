package dev.pgvigil.bench.sidebyside;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * The one webhook receiver both stacks send to: {@code /alertmanager} takes Alertmanager's webhook body,
 * {@code /pgvigil} the alerter's; each alert in a body becomes a {@link Notice} stamped on arrival, so both
 * stacks' latencies are measured by the same clock at the same point.
 */
final class Receiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One alert of one notification. {@code instance}: the target it names (the pgvigil instance id; for
     * Alertmanager the target of its {@code datname}, else its {@code cluster} label); {@code object}: pgvigil's
     * object, for Alertmanager the {@code relname} label if any (a table's name ends pgvigil's object too).
     */
    record Notice(Instant at, String stack, String rule, String instance, String object, boolean firing) {}

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(4);
    private final List<Notice> notices = new CopyOnWriteArrayList<>();
    private final Map<String, String> targetOfDatabase;

    /** {@code targetOfDatabase}: database name → target id, to name Alertmanager's alerts as pgvigil does. */
    Receiver(Map<String, String> targetOfDatabase) {
        this.targetOfDatabase = Map.copyOf(targetOfDatabase);
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/alertmanager", e -> handle(e, "A"));
        server.createContext("/pgvigil", e -> handle(e, "B"));
        server.setExecutor(handlers);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + path;
    }

    /** The first notice at or after {@code from} that {@code matches}, or null. */
    Notice first(Instant from, Predicate<Notice> matches) {
        return notices.stream().filter(n -> !n.at().isBefore(from) && matches.test(n)).findFirst().orElse(null);
    }

    private void handle(HttpExchange exchange, String stack) throws IOException {
        Instant at = Instant.now();
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            for (JsonNode a : body.path("alerts")) {
                if (stack.equals("A")) {
                    JsonNode labels = a.path("labels");
                    String db = labels.path("datname").asText("");
                    String instance = targetOfDatabase.getOrDefault(db, labels.path("cluster").asText(""));
                    notices.add(new Notice(at, stack, labels.path("alertname").asText(), instance, labels.path("relname").asText(db),
                            "firing".equals(a.path("status").asText())));
                } else {
                    String instance = a.path("instance").asText(body.path("instance").asText());
                    notices.add(new Notice(at, stack, a.path("rule").asText(), instance, a.path("object").asText(),
                            "firing".equalsIgnoreCase(a.path("status").asText())));
                }
            }
            exchange.sendResponseHeaders(200, -1);
        } catch (IOException | RuntimeException e) {
            exchange.sendResponseHeaders(400, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow(); // its threads are not daemons: the benchmark's JVM would never exit
    }
}

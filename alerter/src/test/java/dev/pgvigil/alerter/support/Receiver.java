package dev.pgvigil.alerter.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP receiver on 127.0.0.1 and a random port (JDK HttpServer) that records every request and
 * answers 200, or 503 for the first {@code failures} requests ({@code -1}: always), or holds a request
 * until released.
 */
public final class Receiver implements AutoCloseable {
    public record Request(Map<String, List<String>> headers, byte[] body, int answeredWith) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        public JsonNode json() {
            try {
                return new ObjectMapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile CountDownLatch hold;

    public Receiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** Answer 503 to the next {@code n} requests; -1 for every request. */
    public Receiver failing(int n) {
        failuresLeft.set(n);
        return this;
    }

    /** Keep the next request waiting (no answer) until {@link #release}. */
    public Receiver holding() {
        hold = new CountDownLatch(1);
        return this;
    }

    public void release() {
        CountDownLatch h = hold;
        hold = null;
        if (h != null) {
            h.countDown();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int left = failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : n);
            int status = left != 0 ? 503 : 200;
            synchronized (requests) {
                requests.add(new Request(Map.copyOf(exchange.getRequestHeaders()), body, status));
                requests.notifyAll();
            }
            CountDownLatch h = hold;
            if (h != null) {
                try {
                    h.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] answer = (status == 200 ? "ok" : "receiver unavailable").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The requests answered 200. */
    public List<Request> delivered() {
        return requests().stream().filter(r -> r.answeredWith() == 200).toList();
    }

    /** Waits until at least {@code n} requests arrived; returns them all. */
    public List<Request> await(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (requests) {
            while (requests.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + n + " requests within " + timeout + ", got " + requests.size());
                }
                requests.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
            return List.copyOf(requests);
        }
    }

    /** Waits {@code quiet} and asserts nothing more arrived than {@code n}. */
    public void assertNoMoreThan(int n, Duration quiet) throws InterruptedException {
        Thread.sleep(quiet.toMillis());
        int got = requests().size();
        if (got > n) {
            throw new AssertionError("expected no more than " + n + " requests, got " + got + ": "
                    + requests().stream().map(Request::text).toList());
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}

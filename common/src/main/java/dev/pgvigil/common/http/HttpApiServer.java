package dev.pgvigil.common.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pgvigil's HTTP server: the JDK's {@link HttpServer} (an {@link HttpsServer} when {@code http.tls} is set) with a {@link Router}, JSON errors, the bearer
 * token on state-changing methods, gzip, a few safety headers, request timings in Micrometer
 * ({@code pgvigil.http.requests}, tagged method/route/status) and a bounded pool of request threads.
 *
 * <pre>
 * Router router = new Router()
 *         .get("/api/things/{id}", req -> Response.json(things.get(req.pathParam("id"))))
 *         .post("/api/things", req -> Response.json(201, things.add(req.bodyJson(NewThing.class))))
 *         .mount("/", StaticFiles.classpath(MyClass.class, "site", StaticFiles.REVALIDATE));
 * try (HttpApiServer server = HttpApiServer.start(settings, router, settings.token(), registry)) { ... }
 * </pre>
 *
 * <p>Errors: a handler throws {@link HttpError} (400 naming a parameter, 404, ...); anything else is
 * logged and answered with a 500 that says nothing about it. POST/PUT/PATCH/DELETE without the right
 * {@code Authorization: Bearer} token get 401 (403 when no token is configured at all).
 *
 * <p>Threads: {@code settings.threads()} workers and a queue of 64 per worker; when both are full the
 * accepting thread runs the request itself, which slows accepting down instead of dropping requests.
 */
public final class HttpApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApiServer.class);
    private static final int GZIP_MIN_BYTES = 1024;
    /** How much of an unwanted request body is read and dropped before an error answer (see discardUnreadBody). */
    private static final long DISCARD_LIMIT_BYTES = 16L * Request.MAX_BODY_BYTES;

    static {
        // The JDK server waits forever for a slow client's request (headers and body) unless told otherwise, so a
        // few slow connections would hold every request thread; a request taking longer than this is dropped.
        // Read once by the JDK, when the first server starts; an operator's own -D wins.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", "30");
        }
    }

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final Router router;
    private final BearerToken token;
    private final MeterRegistry meters;
    private final HttpSettings settings;

    private HttpApiServer(HttpServer server, ThreadPoolExecutor executor, Router router, BearerToken token, MeterRegistry meters,
                          HttpSettings settings) {
        this.server = server;
        this.executor = executor;
        this.router = router;
        this.token = token;
        this.meters = meters;
        this.settings = settings;
    }

    /**
     * Binds {@code settings.bindAddress():settings.port()} and starts answering.
     *
     * @param meters where request timings go; null for none
     * @throws IOException when the address cannot be bound (in use, not local)
     */
    public static HttpApiServer start(HttpSettings settings, Router router, BearerToken token, MeterRegistry meters) throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), settings.port());
        HttpServer server = settings.tls() == null ? HttpServer.create(address, 0) : httpsServer(address, settings.tls());
        AtomicInteger threadNumber = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(settings.threads(), settings.threads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.threads() * 64), runnable -> {
                    Thread thread = new Thread(runnable, "pgvigil-http-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        executor.allowCoreThreadTimeOut(true);
        HttpApiServer api = new HttpApiServer(server, executor, router, token, meters, settings);
        server.createContext("/", api::handle);
        server.setExecutor(executor);
        server.start();
        log.info("HTTP listening on {}", api.baseUri());
        return api;
    }

    /** An HTTPS server offering TLS 1.2 and 1.3 only; the keystore is read before the port is bound, so a bad one binds nothing. */
    private static HttpsServer httpsServer(InetSocketAddress address, HttpTls tls) throws IOException {
        SSLContext context = tls.serverContext();
        HttpsServer server = HttpsServer.create(address, 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = context.getDefaultSSLParameters();
                parameters.setProtocols(HttpTls.PROTOCOLS);
                params.setSSLParameters(parameters);
            }
        });
        return server;
    }

    /** The port actually bound (the chosen one when the settings said 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@code http://host:port} (or {@code https://}) of this server, for links and tests. */
    public URI baseUri() {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create((server instanceof HttpsServer ? "https://" : "http://") + host + ":" + address.getPort());
    }

    /** Stops accepting, gives running requests a second to finish, and stops the threads. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) {
        long started = System.nanoTime();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String routeTag = "unmatched";
        Response response;
        try {
            if (!settings.allowsHost(exchange.getRequestHeaders().getFirst("Host"))) {
                throw new HttpError(421, "this server does not answer to the host named in the request (see http.allowedHosts)");
            }
            Router.Target target = router.resolve(method, exchange.getRequestURI().getRawPath());
            if (target.route() != null) {
                routeTag = target.route().pattern();
                checkToken(method, exchange.getRequestHeaders().getFirst("Authorization"));
                checkAnnouncedLength(exchange.getRequestHeaders().getFirst("Content-Length"));
                Request request = new Request(method, exchange.getRequestURI().getPath(), target.params(),
                        exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders()::getFirst, exchange.getRequestBody());
                response = target.route().handler().handle(request);
                if (response == null) {
                    throw new IllegalStateException("handler of " + routeTag + " returned no response");
                }
                if (response.contentType().startsWith(Response.JSON) && !response.headers().containsKey("Cache-Control")) {
                    response = response.withHeader("Cache-Control", "no-store");
                }
            } else {
                routeTag = "static";
                response = target.files().serve(target.filePath(), exchange.getRequestHeaders().getFirst("If-None-Match"));
            }
        } catch (HttpError e) {
            response = Response.error(e);
        } catch (Exception e) {
            // the body says nothing about the failure: messages can carry connection strings or data
            log.error("{} {} failed", method, exchange.getRequestURI().getPath(), e);
            response = Response.error(new HttpError(500, "internal error; the server log has the details"));
        }
        try {
            if (response.status() >= 400 && carriesBody(exchange)) {
                if (announcedLengthWithinDiscardLimit(exchange)) {
                    discardUnreadBody(exchange.getRequestBody());
                }
                // the server closes a connection whose request was not read to its end; a client that reused it
                // would lose its next request, so it is told
                response = response.withHeader("Connection", "close");
            }
            write(exchange, method, response);
        } catch (IOException e) {
            log.debug("{} {}: client went away: {}", method, exchange.getRequestURI().getPath(), e.toString());
        } finally {
            exchange.close();
            if (meters != null) {
                Timer.builder("pgvigil.http.requests")
                        .description("HTTP requests answered, by route pattern and status")
                        .tags("method", method, "route", routeTag, "status", String.valueOf(response.status()))
                        .register(meters)
                        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            }
        }
    }

    /**
     * Reads and drops what the client is still sending before an early answer (a 413, a 401). Closing a socket
     * with unread bytes makes TCP reset it, and the reset can destroy the answer before the client reads it: a
     * client would see "connection reset" instead of "too large". Bounded, so a huge upload still gets cut off.
     */
    private static void discardUnreadBody(InputStream body) {
        byte[] buffer = new byte[8192];
        long discarded = 0;
        int n;
        try {
            while (discarded < DISCARD_LIMIT_BYTES && (n = body.read(buffer)) > 0) {
                discarded += n;
            }
        } catch (IOException e) {
            // read to its end and closed already (the handler read it), or the client went away: nothing to drop
        }
    }

    /**
     * Only a body of known, modest length is drained: a client announcing more (or streaming chunks) may never send
     * it all, and waiting for it would hold a worker until the request timeout; such a client gets its answer at
     * once and takes the risk of the reset.
     */
    private static boolean announcedLengthWithinDiscardLimit(HttpExchange exchange) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length == null || exchange.getRequestHeaders().containsKey("Transfer-Encoding")) {
            return false;
        }
        try {
            return Long.parseLong(length.trim()) <= DISCARD_LIMIT_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean carriesBody(HttpExchange exchange) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        return exchange.getRequestHeaders().containsKey("Transfer-Encoding") || (length != null && !length.trim().equals("0"));
    }

    /** A body announced over the limit is refused before any of it is read (reading stops at the limit otherwise, see {@link Request#body()}). */
    private static void checkAnnouncedLength(String contentLength) {
        if (contentLength != null) {
            long length;
            try {
                length = Long.parseLong(contentLength.trim());
            } catch (NumberFormatException e) {
                throw HttpError.badRequest("Content-Length is not a number");
            }
            if (length > Request.MAX_BODY_BYTES) {
                throw new HttpError(413, "request body is larger than " + Request.MAX_BODY_BYTES + " bytes");
            }
        }
    }

    private void checkToken(String method, String authorization) {
        if (!Router.STATE_CHANGING.contains(method)) {
            return;
        }
        if (!token.configured()) {
            throw new HttpError(403, "changes are disabled: no token is configured (set http.tokenFile, or the "
                    + "environment variable named by http.tokenEnv)");
        }
        if (!token.matches(authorization)) {
            throw new HttpError(401, authorization == null ? "this request changes state and needs 'Authorization: Bearer <token>'"
                    : "the bearer token is not valid").withHeader("WWW-Authenticate", "Bearer realm=\"pgvigil\"");
        }
    }

    private static void write(HttpExchange exchange, String method, Response response) throws IOException {
        var headers = exchange.getResponseHeaders();
        for (Map.Entry<String, String> header : response.headers().entrySet()) {
            headers.set(header.getKey(), header.getValue());
        }
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        if (response.contentType().startsWith("text/html")) {
            headers.set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                    + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        }
        byte[] body = response.body();
        if (response.status() != 304 && body.length > 0) {
            headers.set("Content-Type", response.contentType());
        }
        if (body.length >= GZIP_MIN_BYTES && compressible(response.contentType()) && acceptsGzip(exchange)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4);
            try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                gzip.write(body);
            }
            body = out.toByteArray();
            headers.set("Content-Encoding", "gzip");
            headers.add("Vary", "Accept-Encoding");
        }
        boolean noBody = method.equals("HEAD") || response.status() == 304 || response.status() == 204 || body.length == 0;
        exchange.sendResponseHeaders(response.status(), noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static boolean compressible(String contentType) {
        return contentType.startsWith("text/") || contentType.startsWith("application/json")
                || contentType.startsWith("application/yaml") || contentType.startsWith("image/svg");
    }

    private static boolean acceptsGzip(HttpExchange exchange) {
        String accept = exchange.getRequestHeaders().getFirst("Accept-Encoding");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("gzip");
    }
}

package dev.pgvigil.web;

import dev.pgvigil.common.http.BearerToken;
import dev.pgvigil.common.http.HealthChecks;
import dev.pgvigil.common.http.HttpApiServer;
import dev.pgvigil.common.http.HttpSettings;
import dev.pgvigil.common.http.Router;
import dev.pgvigil.common.http.ServiceEndpoints;
import dev.pgvigil.common.http.StaticFiles;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The dashboard and its API on one port: {@code /} the pages, {@code /api/...} the JSON API over
 * {@link DashboardData} (described at {@code /api/openapi.yaml}), {@code /vendor/uplot/} the chart
 * library from its WebJar, {@code /health} and {@code /metrics} of the service that runs it.
 *
 * <pre>
 * try (WebServer web = new WebServer(settings, data, meters.registry(), health).start()) { ... }
 * </pre>
 *
 * Reads are open to whoever reaches the bind address (127.0.0.1 unless configured otherwise);
 * POST needs the token from {@code http.tokenFile} or the {@code http.tokenEnv} variable.
 */
public final class WebServer implements AutoCloseable {
    private final HttpSettings settings;
    private final Router router;
    private final BearerToken token;
    private final PrometheusMeterRegistry registry;
    private HttpApiServer server;

    public WebServer(HttpSettings settings, DashboardData data, PrometheusMeterRegistry registry, HealthChecks health) {
        this(settings, data, registry, health, Clock.systemUTC());
    }

    /**
     * With routes of the service that runs it added first (the analyzer's {@code /internal/...} routes,
     * which answer from one copy's own state when another copy forwards a question).
     */
    public WebServer(HttpSettings settings, DashboardData data, PrometheusMeterRegistry registry, HealthChecks health,
                     Consumer<Router> serviceRoutes) {
        this.settings = settings;
        this.registry = registry;
        this.token = settings.token();
        Router r = new Router();
        serviceRoutes.accept(r);
        this.router = addRoutes(r, data, registry, health, Clock.systemUTC());
    }

    WebServer(HttpSettings settings, DashboardData data, PrometheusMeterRegistry registry, HealthChecks health, Clock clock) {
        this.settings = settings;
        this.registry = registry;
        this.token = settings.token();
        this.router = routes(data, registry, health, clock);
    }

    /** Every route of the web server, for the server and for the check that openapi.yaml documents them all. */
    static Router routes(DashboardData data, PrometheusMeterRegistry registry, HealthChecks health, Clock clock) {
        return addRoutes(new Router(), data, registry, health, clock);
    }

    private static Router addRoutes(Router router, DashboardData data, PrometheusMeterRegistry registry, HealthChecks health, Clock clock) {
        new DashboardApi(data, clock).addTo(router);
        ServiceEndpoints.addTo(router, health, registry);
        StaticFiles openapi = StaticFiles.classpath(WebServer.class, "", StaticFiles.REVALIDATE);
        return router
                .get("/api/openapi.yaml", request -> {
                    request.allowOnly();
                    return openapi.serve("openapi.yaml", request.header("If-None-Match"));
                })
                .mount("/vendor/uplot/", StaticFiles.classpath(WebServer.class,
                        "META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist", StaticFiles.ONE_DAY))
                .mount("/", StaticFiles.classpath(WebServer.class, "dashboard", StaticFiles.REVALIDATE));
    }

    /** Binds and starts answering; throws when the address cannot be bound. */
    public WebServer start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        server = HttpApiServer.start(settings, router, token, registry);
        return this;
    }

    /** The bound port (the chosen one when the settings said 0). */
    public int port() {
        return running().port();
    }

    public URI baseUri() {
        return running().baseUri();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }

    private HttpApiServer running() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server;
    }

    /** The WebJar's version, from its Maven metadata, so no page names a version. */
    static String uplotVersion() {
        try (InputStream in = WebServer.class.getClassLoader().getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the uPlot WebJar (org.webjars.npm:uplot) is not on the classpath");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

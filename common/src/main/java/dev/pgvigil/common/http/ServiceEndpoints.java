package dev.pgvigil.common.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The two endpoints every pgvigil service answers: {@code GET /health} (200 when UP, 503 when DOWN,
 * the {@link HealthChecks.Report} as JSON) and {@code GET /metrics} (Prometheus text format 0.0.4).
 */
public final class ServiceEndpoints {
    /** What Prometheus expects for its text exposition format. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private ServiceEndpoints() {}

    public static Router addTo(Router router, HealthChecks health, PrometheusMeterRegistry registry) {
        return router
                .get("/health", request -> {
                    request.allowOnly();
                    HealthChecks.Report report = health.check();
                    return Response.json(report.status() == HealthChecks.Status.UP ? 200 : 503, report);
                })
                .get("/metrics", request -> Response.text(200, PROMETHEUS_TEXT, registry.scrape()));
    }
}

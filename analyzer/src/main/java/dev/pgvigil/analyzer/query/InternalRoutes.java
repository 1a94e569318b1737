package dev.pgvigil.analyzer.query;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.pgvigil.common.http.HttpError;
import dev.pgvigil.common.http.Request;
import dev.pgvigil.common.http.Response;
import dev.pgvigil.common.http.Router;
import dev.pgvigil.web.DashboardData.Resolution;
import dev.pgvigil.web.DashboardData.SeriesQuery;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /internal/...}: what one analyzer copy answers from its own state when another copy forwards
 * a question about an instance it holds, or fans a fleet-wide question out. Read only, never forwarded
 * again; the answers are {@link dev.pgvigil.web.DashboardData}'s records as JSON.
 */
final class InternalRoutes {
    static final String PREFIX = "/internal";
    private final Supplier<LocalQueries> locals;
    private final PeerClient json;

    /** {@code locals} gives this copy's queries, or throws a 503 while the analyzer starts. */
    InternalRoutes(Supplier<LocalQueries> locals, PeerClient json) {
        this.locals = locals;
        this.json = json;
    }

    void addTo(Router router) {
        router.get(PREFIX + "/fleet", r -> {
                    r.allowOnly();
                    return Response.json(locals.get().fleet());
                })
                .get(PREFIX + "/instances/{id}", r -> {
                    r.allowOnly();
                    return Response.json(locals.get().instance(r.pathParam("id")).orElseThrow(() -> HttpError.notFound("not held here")));
                })
                .get(PREFIX + "/instances/{id}/series", r -> {
                    r.allowOnly("metric", "labels", "from", "to", "resolution");
                    return Response.json(locals.get().series(new SeriesQuery(r.pathParam("id"), r.requiredQuery("metric"), labels(r),
                            instant(r, "from"), instant(r, "to"), Resolution.fromWireName(r.requiredQuery("resolution"))
                            .orElseThrow(() -> HttpError.badParameter("resolution", "1m or 1h")))));
                })
                .get(PREFIX + "/instances/{id}/replication", r -> {
                    r.allowOnly();
                    return Response.json(locals.get().replication(r.pathParam("id")).orElseThrow(() -> HttpError.notFound("none here")));
                })
                .get(PREFIX + "/instances/{id}/findings", r -> {
                    r.allowOnly();
                    return Response.json(locals.get().findings(r.pathParam("id")));
                })
                .get(PREFIX + "/instances/{id}/baselines", r -> {
                    r.allowOnly();
                    return Response.json(locals.get().baselines(r.pathParam("id")));
                })
                .get(PREFIX + "/instances/{id}/baselines/{name}/compare", r -> {
                    r.allowOnly();
                    return Response.json(locals.get().compareBaseline(r.pathParam("id"), r.pathParam("name"))
                            .orElseThrow(() -> HttpError.notFound("no such baseline here")));
                })
                .get(PREFIX + "/instances/{id}/statements/top", r -> {
                    r.allowOnly("from", "to", "limit");
                    return Response.json(locals.get().topStatements(r.pathParam("id"), instant(r, "from"), instant(r, "to"),
                            r.intQuery("limit", 10, 1, 1000)));
                });
    }

    private static Instant instant(Request r, String name) {
        return r.instantQuery(name).orElseThrow(() -> HttpError.badParameter(name, "is required"));
    }

    private Map<String, String> labels(Request r) {
        String text = r.query("labels").orElse("{}");
        try {
            return json.mapper().readValue(text, new TypeReference<Map<String, String>>() {});
        } catch (IOException e) {
            throw HttpError.badParameter("labels", "expected a JSON object of strings");
        }
    }
}

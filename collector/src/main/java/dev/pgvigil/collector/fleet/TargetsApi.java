package dev.pgvigil.collector.fleet;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.common.http.HttpError;
import dev.pgvigil.common.http.Request;
import dev.pgvigil.common.http.Response;
import dev.pgvigil.common.http.Router;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet on the collector's HTTP API, the same as {@code pgvigil targets} (the same checks, in
 * {@link TargetsPlan} and {@link TargetConfig}, so bad input is refused alike and changes nothing). The
 * common HTTP server asks for the bearer token on POST and DELETE (401 without the right one, 403 when
 * none is configured).
 * <ul>
 *   <li>{@code GET /api/targets}: every target with its owner, last cycle and last error ({@link TargetView});</li>
 *   <li>{@code POST /api/targets[?dryRun=true]}: add one, body as a {@code collector.targets} entry of the YAML file
 *       ({@code {"id":"orders","url":"postgresql://monitor@db1/orders","passwordEnv":"ORDERS_PW"}}), 201;</li>
 *   <li>{@code DELETE /api/targets/{id}[?dryRun=true]}: remove one; 404 when it is not on the topic.</li>
 * </ul>
 * A change answers with the plan's lines, as the command prints them.
 */
public final class TargetsApi {
    private static final Logger log = LoggerFactory.getLogger(TargetsApi.class);

    /** What a change did (or, with dryRun, would do). */
    public record Change(List<String> plan, boolean dryRun) {}

    private final TargetsTopic topic;

    public TargetsApi(TargetsTopic topic) {
        this.topic = topic;
    }

    public Router addTo(Router router) {
        return router
                .get("/api/targets", this::list)
                .post("/api/targets", this::add)
                .delete("/api/targets/{id}", this::remove);
    }

    private Response list(Request request) {
        request.allowOnly();
        return Response.json(kafka(() -> TargetView.join(topic.read(), topic.statuses())));
    }

    private Response add(Request request) {
        request.allowOnly("dryRun");
        boolean dryRun = dryRun(request);
        TargetConfig target = request.bodyJson(TargetConfig.class); // unknown keys, a bad id or url: 400 naming them
        TargetsPlan plan = kafka(() -> {
            try {
                return TargetsPlan.adding(target, topic::read);
            } catch (IllegalArgumentException e) { // a password in it, or its id taken
                throw HttpError.badRequest(e.getMessage());
            }
        });
        return Response.json(dryRun ? 200 : 201, carryOut(plan, dryRun));
    }

    private Response remove(Request request) {
        request.allowOnly("dryRun");
        boolean dryRun = dryRun(request);
        String id = request.pathParam("id");
        TargetsPlan plan = kafka(() -> {
            try {
                return TargetsPlan.removing(topic.read(), List.of(id));
            } catch (TargetsPlan.UnknownTargetException e) {
                throw HttpError.notFound(e.getMessage());
            }
        });
        return Response.json(carryOut(plan, dryRun));
    }

    private Change carryOut(TargetsPlan plan, boolean dryRun) {
        if (!dryRun && !plan.isEmpty()) {
            kafka(() -> {
                topic.write(plan);
                return null;
            });
            log.info("fleet changed over HTTP: {}", String.join("; ", plan.lines()));
        }
        return new Change(plan.lines(), dryRun);
    }

    private static boolean dryRun(Request request) {
        return Boolean.parseBoolean(request.choiceQuery("dryRun", List.of("true", "false"), "false"));
    }

    /** Kafka not answering is a 503 saying so, not a 500. */
    private static <T> T kafka(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalStateException e) {
            throw new HttpError(503, e.getMessage());
        }
    }
}

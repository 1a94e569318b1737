package dev.pgvigil.alerter.http;

import dev.pgvigil.alerter.config.DurationText;
import dev.pgvigil.alerter.model.AlertView;
import dev.pgvigil.alerter.model.LabelMatcher;
import dev.pgvigil.alerter.model.Silence;
import dev.pgvigil.alerter.model.SilenceView;
import dev.pgvigil.alerter.state.SilenceStore;
import dev.pgvigil.common.http.HttpError;
import dev.pgvigil.common.http.Request;
import dev.pgvigil.common.http.Response;
import dev.pgvigil.common.http.Router;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerter's HTTP API, as routes on pgvigil's common HTTP server (which asks for the bearer token
 * on POST and DELETE: 401 without the right one, 403 when none is configured):
 * <ul>
 *   <li>{@code GET /api/alerts[?instance=ID]}: the alerts this alerter owns;</li>
 *   <li>{@code GET /api/silences}, {@code GET /api/silences/{id}}: silences with their state;</li>
 *   <li>{@code POST /api/silences}: create one from {@code {"matchers":[{"name":"rule","value":"dead_rows"}],
 *       "duration":"2h" | "endsAt":"...", "startsAt":"...", "comment":"...", "createdBy":"..."}}, 201;</li>
 *   <li>{@code DELETE /api/silences/{id}}: expire one now (id or a unique prefix).</li>
 * </ul>
 */
public final class AlerterApi {
    private static final Logger log = LoggerFactory.getLogger(AlerterApi.class);

    /** The body of POST /api/silences. */
    public record SilenceRequest(List<SilenceView.MatcherView> matchers, Instant startsAt, Instant endsAt, String duration,
            String comment, String createdBy) {}

    private final Supplier<List<AlertView>> alerts;
    private final SilenceStore silences;
    private final Clock clock;

    public AlerterApi(Supplier<List<AlertView>> alerts, SilenceStore silences, Clock clock) {
        this.alerts = alerts;
        this.silences = silences;
        this.clock = clock;
    }

    public Router addTo(Router router) {
        return router
                .get("/api/alerts", this::alerts)
                .get("/api/silences", this::silences)
                .post("/api/silences", this::create)
                .get("/api/silences/{id}", this::silence)
                .delete("/api/silences/{id}", this::expire);
    }

    private Response alerts(Request request) {
        request.allowOnly("instance");
        Optional<String> instance = request.query("instance");
        List<AlertView> all = alerts.get();
        return Response.json(instance.map(i -> all.stream().filter(a -> a.instance().equals(i)).toList()).orElse(all));
    }

    private Response silences(Request request) {
        request.allowOnly();
        Instant now = clock.instant();
        return Response.json(silences.all().stream().map(s -> SilenceView.of(s, now)).toList());
    }

    private Response silence(Request request) {
        Silence silence = find(request.pathParam("id"));
        return Response.json(SilenceView.of(silence, clock.instant()));
    }

    private Response create(Request request) {
        SilenceRequest body = request.bodyJson(SilenceRequest.class);
        if (body.matchers() == null || body.matchers().isEmpty()) {
            throw HttpError.badRequest("matchers are required, e.g. [{\"name\":\"instance\",\"value\":\"db-1\"}]");
        }
        if ((body.endsAt() == null) == (body.duration() == null)) {
            throw HttpError.badRequest("give exactly one of endsAt or duration (e.g. \"2h\")");
        }
        Instant now = clock.instant();
        try {
            Instant start = body.startsAt() == null ? now : body.startsAt();
            Instant end = body.endsAt() != null ? body.endsAt() : start.plus(DurationText.parse(body.duration()));
            List<LabelMatcher> matchers = body.matchers().stream().map(SilenceView.MatcherView::toMatcher).toList();
            Silence silence = silences.put(Silence.create(matchers, start, end, body.createdBy(), body.comment(), now));
            log.info("silence {} created over HTTP: {} until {}", silence.id(), silence.describeMatchers(), silence.endsAt());
            return Response.json(201, SilenceView.of(silence, now));
        } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException e) { // the last two: an end past Instant.MAX
            throw HttpError.badRequest(e.getMessage());
        }
    }

    private Response expire(Request request) {
        Instant now = clock.instant();
        Silence expired = silences.expire(find(request.pathParam("id")).id(), now).orElseThrow();
        log.info("silence {} expired over HTTP", expired.id());
        return Response.json(SilenceView.of(expired, now));
    }

    private Silence find(String id) {
        try {
            return silences.find(id).orElseThrow(() -> HttpError.notFound("no silence " + id));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }
}

package dev.pgvigil.alerter.notify;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.alerter.model.AlertNotice;
import dev.pgvigil.alerter.model.Change;
import dev.pgvigil.schema.AlertStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The notification log's judgement (Alertmanager's dedup stage): from what each alert last announced,
 * is there news? A group's notification goes out when at least one alert has news; it then carries the
 * group's other firing alerts too, so the message shows the instance's whole picture.
 */
public final class DedupStage implements Stage {
    private final Duration repeatInterval;

    public DedupStage(Duration repeatInterval) {
        this.repeatInterval = repeatInterval;
    }

    /**
     * Why {@code alert} belongs in a notification now, or empty when it does not. An alert with a
     * notification pending that is not in flight here lost its delivery to a crash (or a rebalance): the
     * receiver may have heard it or only what came before, so whatever the alert says now is news. Without
     * this, a resolution that reached the receiver just before the crash and a firing again after it would
     * look like "still firing" to the log, and the receiver would never hear of the firing.
     */
    public Optional<Change> change(Alert alert, Instant now) {
        boolean uncertain = alert.pendingStatus() != null;
        if (alert.status() == AlertStatus.RESOLVED) {
            return alert.lastNotifiedStatus() == AlertStatus.FIRING || uncertain ? Optional.of(Change.RESOLVED) : Optional.empty();
        }
        if (alert.lastNotifiedStatus() != AlertStatus.FIRING || alert.pendingStatus() == AlertStatus.RESOLVED) {
            return Optional.of(Change.NEW);
        }
        if (alert.lastNotifiedSeverity() != alert.severity()) {
            return Optional.of(Change.SEVERITY_CHANGED);
        }
        if (uncertain || !alert.lastNotifiedAt().plus(repeatInterval).isAfter(now)) {
            return Optional.of(Change.REPEAT);
        }
        return Optional.of(Change.STILL_FIRING);
    }

    /** Whether {@code alert} owes a notification now. */
    public boolean hasNews(Alert alert, Instant now) {
        return change(alert, now).map(Change::isNews).orElse(false);
    }

    /**
     * The notices of one group: empty when no alert has news; otherwise every alert with something to
     * say, news or not. Alerts whose notification is still being delivered ({@code inFlight}) wait.
     */
    @Override
    public Batch apply(Batch batch, Context context) {
        List<AlertNotice> notices = new ArrayList<>();
        boolean news = false;
        for (Alert alert : batch.alerts()) {
            if (context.inFlight().contains(alert.fingerprint())) {
                continue;
            }
            Optional<Change> change = change(alert, context.now());
            if (change.isPresent()) {
                notices.add(new AlertNotice(alert, change.get()));
                news |= change.get().isNews();
            }
        }
        return batch.withNotices(news ? notices : List.of());
    }
}

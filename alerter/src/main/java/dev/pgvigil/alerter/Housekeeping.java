package dev.pgvigil.alerter;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.alerter.notify.GroupStage;
import dev.pgvigil.alerter.state.AlertBook;
import dev.pgvigil.alerter.state.AlertStateStore;
import dev.pgvigil.alerter.state.SilenceStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop's periodic chores, after every change and at least once a second: forgets alerts whose
 * resolution was announced longer than the retention ago (deleting them from the alerts topic), purges
 * silences that ended a week ago (hourly), and rebuilds the views. Runs on the loop thread.
 */
final class Housekeeping {
    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);
    private static final Duration EVERY = Duration.ofSeconds(1);
    private static final Duration SILENCE_PURGE_EVERY = Duration.ofHours(1);
    private static final Duration SILENCE_RETENTION = Duration.ofDays(7);

    private final AlertBook book;
    private final AlertStateStore states;
    private final GroupStage groups;
    private final SilenceStore silences;
    private final Duration resolvedRetention;
    private final Set<String> inFlight;
    private final AlertViews views;
    private Instant next = Instant.MIN;
    private Instant nextSilencePurge = Instant.MIN;

    /** {@code inFlight}: the alerts being delivered, kept until their stamp even when finished. */
    Housekeeping(AlertBook book, AlertStateStore states, GroupStage groups, SilenceStore silences, Duration resolvedRetention,
            Set<String> inFlight, AlertViews views) {
        this.book = book;
        this.states = states;
        this.groups = groups;
        this.silences = silences;
        this.resolvedRetention = resolvedRetention;
        this.inFlight = inFlight;
        this.views = views;
    }

    /** Does the chores if something {@code changed} or their time has come. */
    void runIfDue(Instant now, boolean changed) {
        if (!changed && now.isBefore(next)) {
            return;
        }
        next = now.plus(EVERY);
        for (Alert finished : book.finished(now, resolvedRetention, inFlight)) {
            book.remove(finished.fingerprint());
            states.delete(finished);
            if (book.alertsOf(finished.instanceId()).isEmpty()) {
                groups.remove(finished.instanceId());
            }
        }
        if (!now.isBefore(nextSilencePurge)) {
            nextSilencePurge = now.plus(SILENCE_PURGE_EVERY);
            try {
                int purged = silences.purge(now.minus(SILENCE_RETENTION));
                if (purged > 0) {
                    log.info("removed {} silences that ended more than {} ago", purged, SILENCE_RETENTION);
                }
            } catch (RuntimeException e) {
                log.warn("cannot remove old silences: {}", e.getMessage());
            }
        }
        views.refresh(now);
    }
}

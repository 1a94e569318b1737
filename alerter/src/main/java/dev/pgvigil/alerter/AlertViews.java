package dev.pgvigil.alerter;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.alerter.model.AlertView;
import dev.pgvigil.alerter.notify.DedupStage;
import dev.pgvigil.alerter.notify.InhibitStage;
import dev.pgvigil.alerter.notify.SilenceStage;
import dev.pgvigil.alerter.state.AlertBook;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The read-only picture of the alerts for the HTTP API and the meters: each alert with whether it owes
 * a notification and what holds it back. Built on the loop thread, read from any thread.
 */
final class AlertViews {
    private final AlertBook book;
    private final InhibitStage inhibit;
    private final SilenceStage silence;
    private final DedupStage dedup;
    private volatile List<AlertView> current = List.of();

    AlertViews(AlertBook book, InhibitStage inhibit, SilenceStage silence, DedupStage dedup) {
        this.book = book;
        this.inhibit = inhibit;
        this.silence = silence;
        this.dedup = dedup;
    }

    /** The alerts as of the last {@link #refresh}. */
    List<AlertView> current() {
        return current;
    }

    long firing() {
        return current.stream().filter(v -> v.status().equals("firing")).count();
    }

    /** Rebuilds the picture from the book; loop thread only. */
    void refresh(Instant now) {
        List<AlertView> views = new ArrayList<>();
        for (String instance : book.instances()) {
            List<Alert> group = book.alertsOf(instance);
            for (Alert a : group) {
                views.add(AlertView.of(a, dedup.hasNews(a, now), silence.silencedBy(a, now), inhibit.inhibited(a, group)));
            }
        }
        views.sort(Comparator.comparing(AlertView::instance).thenComparing(AlertView::rule).thenComparing(AlertView::object));
        current = List.copyOf(views);
    }
}

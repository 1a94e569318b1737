package dev.pgvigil.alerter.notify;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.alerter.model.Silence;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Drops alerts an active silence matches. Nothing is marked as sent, so an alert still firing when
 * its silence ends is announced then (and a resolution that happened under a silence, too).
 */
public final class SilenceStage implements Stage {
    private final Function<Instant, Collection<Silence>> activeSilences;

    public SilenceStage(Function<Instant, Collection<Silence>> activeSilences) {
        this.activeSilences = activeSilences;
    }

    @Override
    public Batch apply(Batch batch, Context context) {
        Collection<Silence> active = activeSilences.apply(context.now());
        if (active.isEmpty()) {
            return batch;
        }
        return batch.withAlerts(batch.alerts().stream().filter(a -> active.stream().noneMatch(s -> s.matches(a))).toList());
    }

    /** The ids of the active silences that match {@code alert}. */
    public List<String> silencedBy(Alert alert, Instant now) {
        return activeSilences.apply(now).stream().filter(s -> s.matches(alert)).map(Silence::id).sorted().toList();
    }
}

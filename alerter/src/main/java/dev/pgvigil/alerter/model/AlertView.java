package dev.pgvigil.alerter.model;

import dev.pgvigil.schema.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An alert as the HTTP API shows it: its state, whether a notification is owed, and what holds it
 * back (the silences matching it, an inhibiting alert on its instance).
 */
public record AlertView(String fingerprint, String rule, String instance, String object, Map<String, String> labels,
        Severity severity, String status, double value, double threshold, String message,
        Instant startsAt, Instant endsAt, Instant lastNotifiedAt, int notificationCount,
        boolean notificationOwed, List<String> silencedBy, boolean inhibited) {

    public static AlertView of(Alert a, boolean owed, List<String> silencedBy, boolean inhibited) {
        return new AlertView(a.fingerprint(), a.rule(), a.instanceId(), a.object(), a.labels(), a.severity(),
                a.status().name().toLowerCase(Locale.ROOT), a.value(), a.threshold(), a.message(), a.startsAt(), a.endsAt(),
                a.lastNotifiedAt(), a.notificationCount(), owed, silencedBy, inhibited);
    }
}

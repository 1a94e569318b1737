package dev.pgvigil.alerter.model;

import dev.pgvigil.schema.AlertStatus;
import dev.pgvigil.schema.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One alert: what the last violation for its fingerprint said, plus its notification log (what was
 * last announced, when, how often). {@code partition} is the pgvigil.violations partition it came from,
 * which is also the pgvigil.alerts partition it is stored in: whoever owns one owns the other.
 *
 * <p>{@code pendingStatus} is what a notification handed to delivery says, stored before it leaves and
 * cleared by its stamp. Found set after a crash, it means the receiver may have heard it or not: the
 * {@code lastNotified*} fields then no longer tell what the receiver believes.
 */
public record Alert(
        String fingerprint,
        String rule,
        String instanceId,
        String object,
        Map<String, String> labels,
        Severity severity,
        AlertStatus status,
        double value,
        double threshold,
        String message,
        Instant startsAt,
        Instant endsAt,
        Instant updatedAt,
        Instant lastNotifiedAt,
        AlertStatus lastNotifiedStatus,
        Severity lastNotifiedSeverity,
        int notificationCount,
        AlertStatus pendingStatus,
        int partition) {

    public Alert {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** An alert with no notification pending. */
    public Alert(String fingerprint, String rule, String instanceId, String object, Map<String, String> labels, Severity severity,
            AlertStatus status, double value, double threshold, String message, Instant startsAt, Instant endsAt, Instant updatedAt,
            Instant lastNotifiedAt, AlertStatus lastNotifiedStatus, Severity lastNotifiedSeverity, int notificationCount, int partition) {
        this(fingerprint, rule, instanceId, object, labels, severity, status, value, threshold, message, startsAt, endsAt, updatedAt,
                lastNotifiedAt, lastNotifiedStatus, lastNotifiedSeverity, notificationCount, null, partition);
    }

    public boolean firing() {
        return status == AlertStatus.FIRING;
    }

    /**
     * The labels matchers see: the violation's own labels, then {@code rule}, {@code instance},
     * {@code object} and {@code severity} (these win over a label of the same name).
     */
    public Map<String, String> matchLabels() {
        Map<String, String> all = new LinkedHashMap<>(labels);
        all.put("rule", rule);
        all.put("instance", instanceId);
        all.put("object", object);
        all.put("severity", severity.name());
        return all;
    }

    /** This alert after a notification carrying it (as it was at {@code sent}) was delivered or given up on. */
    public Alert notified(Alert sent, Instant at) {
        return new Alert(fingerprint, rule, instanceId, object, labels, severity, status, value, threshold, message,
                startsAt, endsAt, updatedAt, at, sent.status(), sent.severity(), notificationCount + 1, null, partition);
    }

    /** This alert while a notification announcing {@code sent}'s status is being delivered. */
    public Alert pending(Alert sent) {
        return new Alert(fingerprint, rule, instanceId, object, labels, severity, status, value, threshold, message,
                startsAt, endsAt, updatedAt, lastNotifiedAt, lastNotifiedStatus, lastNotifiedSeverity, notificationCount,
                sent.status(), partition);
    }
}

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
        int partition) {

    public Alert {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
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
                startsAt, endsAt, updatedAt, at, sent.status(), sent.severity(), notificationCount + 1, partition);
    }
}

package dev.pgvigil.alerter.support;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.schema.AlertStatus;
import dev.pgvigil.schema.Severity;
import dev.pgvigil.schema.Violation;
import dev.pgvigil.schema.ViolationState;
import java.time.Instant;
import java.util.Map;

/** Alerts and violations for tests, with the fields a case cares about and plausible rest. */
public final class Alerts {
    public static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    private Alerts() {}

    public static Alert firing(String rule, String instance, Severity severity) {
        return new Alert(rule + "|" + instance + "|obj", rule, instance, "obj", Map.of(), severity, AlertStatus.FIRING,
                42, 50, rule + " is bad on " + instance, T0, null, T0, null, null, null, 0, 0);
    }

    public static Alert notified(Alert a, Instant at) {
        return a.notified(a, at);
    }

    public static Alert resolved(Alert a, Instant at) {
        return new Alert(a.fingerprint(), a.rule(), a.instanceId(), a.object(), a.labels(), a.severity(), AlertStatus.RESOLVED,
                a.value(), a.threshold(), a.message(), a.startsAt(), at, at, a.lastNotifiedAt(), a.lastNotifiedStatus(),
                a.lastNotifiedSeverity(), a.notificationCount(), a.pendingStatus(), a.partition());
    }

    public static Alert withSeverity(Alert a, Severity severity) {
        return new Alert(a.fingerprint(), a.rule(), a.instanceId(), a.object(), a.labels(), severity, a.status(),
                a.value(), a.threshold(), a.message(), a.startsAt(), a.endsAt(), a.updatedAt(), a.lastNotifiedAt(),
                a.lastNotifiedStatus(), a.lastNotifiedSeverity(), a.notificationCount(), a.pendingStatus(), a.partition());
    }

    public static Violation violation(String rule, String instance, String object, Severity severity, ViolationState state,
            double value, double threshold, Instant startsAt, Instant observedAt) {
        return Violation.newBuilder()
                .setFingerprint(rule + "|" + instance + "|" + object)
                .setRule(rule)
                .setInstanceId(instance)
                .setObject(object)
                .setLabels(Map.of("database", "appdb"))
                .setSeverity(severity)
                .setState(state)
                .setValue(value)
                .setThreshold(threshold)
                .setMessage(rule + " on " + object + ": " + value + " against " + threshold)
                .setStartsAt(startsAt)
                .setObservedAt(observedAt)
                .build();
    }

    public static Violation firingViolation(String rule, String instance, String object, Severity severity, Instant at) {
        return violation(rule, instance, object, severity, ViolationState.FIRING, 42, 50, at, at);
    }

    public static Violation resolvedViolation(String rule, String instance, String object, Instant startsAt, Instant at) {
        return violation(rule, instance, object, Severity.INFO, ViolationState.RESOLVED, 97, 50, startsAt, at);
    }
}

package dev.pgvigil.alerter.state;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.schema.AlertState;
import java.util.HashMap;

/** {@link Alert} to and from its {@code AlertState} record on pgvigil.alerts. */
public final class AlertCodec {
    private AlertCodec() {}

    public static AlertState toState(Alert a) {
        return AlertState.newBuilder()
                .setFingerprint(a.fingerprint())
                .setRule(a.rule())
                .setInstanceId(a.instanceId())
                .setObject(a.object())
                .setLabels(new HashMap<>(a.labels()))
                .setSeverity(a.severity())
                .setStatus(a.status())
                .setValue(a.value())
                .setThreshold(a.threshold())
                .setMessage(a.message())
                .setStartsAt(a.startsAt())
                .setEndsAt(a.endsAt())
                .setUpdatedAt(a.updatedAt())
                .setLastNotifiedAt(a.lastNotifiedAt())
                .setLastNotifiedStatus(a.lastNotifiedStatus())
                .setLastNotifiedSeverity(a.lastNotifiedSeverity())
                .setNotificationCount(a.notificationCount())
                .setPendingStatus(a.pendingStatus())
                .build();
    }

    public static Alert fromState(AlertState s, int partition) {
        return new Alert(s.getFingerprint(), s.getRule(), s.getInstanceId(), s.getObject(), s.getLabels(),
                s.getSeverity(), s.getStatus(), s.getValue(), s.getThreshold(), s.getMessage(),
                s.getStartsAt(), s.getEndsAt(), s.getUpdatedAt(),
                s.getLastNotifiedAt(), s.getLastNotifiedStatus(), s.getLastNotifiedSeverity(),
                s.getNotificationCount(), s.getPendingStatus(), partition);
    }
}

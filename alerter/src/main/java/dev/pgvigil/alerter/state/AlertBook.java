package dev.pgvigil.alerter.state;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.schema.AlertStatus;
import dev.pgvigil.schema.Violation;
import dev.pgvigil.schema.ViolationState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The alerts this alerter owns, one per fingerprint, and how a violation changes them. Plain data, no
 * Kafka: the caller persists what {@link #apply} returns. Not thread-safe: one loop thread owns it.
 */
public final class AlertBook {
    private final Map<String, Alert> byFingerprint = new HashMap<>();
    private final Map<String, Map<String, Alert>> byInstance = new HashMap<>();

    /**
     * Applies a violation read from {@code partition}. Returns the alert as it is now when the violation
     * changed it; empty for a stale violation (observed before the alert's last update), a RESOLVED for
     * an alert that is not firing, or a replay that changes nothing.
     */
    public Optional<Alert> apply(Violation v, int partition) {
        Alert current = byFingerprint.get(v.getFingerprint());
        Instant observed = v.getObservedAt();
        if (current != null && observed.isBefore(current.updatedAt())) {
            return Optional.empty();
        }
        Alert next;
        if (v.getState() == ViolationState.RESOLVED) {
            if (current == null || !current.firing()) {
                return Optional.empty();
            }
            // keep the severity it fired with: "CRITICAL resolved" says more than the resolving event's severity
            next = new Alert(current.fingerprint(), current.rule(), current.instanceId(), current.object(), v.getLabels(),
                    current.severity(), AlertStatus.RESOLVED, v.getValue(), v.getThreshold(), v.getMessage(),
                    current.startsAt(), observed, observed,
                    current.lastNotifiedAt(), current.lastNotifiedStatus(), current.lastNotifiedSeverity(),
                    current.notificationCount(), current.pendingStatus(), partition);
        } else if (current == null) {
            next = new Alert(v.getFingerprint(), v.getRule(), v.getInstanceId(), v.getObject(), v.getLabels(),
                    v.getSeverity(), AlertStatus.FIRING, v.getValue(), v.getThreshold(), v.getMessage(),
                    v.getStartsAt(), null, observed, null, null, null, 0, partition);
        } else {
            next = new Alert(current.fingerprint(), v.getRule(), v.getInstanceId(), v.getObject(), v.getLabels(),
                    v.getSeverity(), AlertStatus.FIRING, v.getValue(), v.getThreshold(), v.getMessage(),
                    v.getStartsAt(), null, observed,
                    current.lastNotifiedAt(), current.lastNotifiedStatus(), current.lastNotifiedSeverity(),
                    current.notificationCount(), current.pendingStatus(), partition);
        }
        if (next.equals(current)) {
            return Optional.empty();
        }
        put(next);
        return Optional.of(next);
    }

    /** Adds or replaces an alert as loaded from the state topic. */
    public void put(Alert alert) {
        Alert previous = byFingerprint.put(alert.fingerprint(), alert);
        if (previous != null && !previous.instanceId().equals(alert.instanceId())) {
            removeFromInstance(previous);
        }
        byInstance.computeIfAbsent(alert.instanceId(), k -> new LinkedHashMap<>()).put(alert.fingerprint(), alert);
    }

    public Optional<Alert> get(String fingerprint) {
        return Optional.ofNullable(byFingerprint.get(fingerprint));
    }

    public void remove(String fingerprint) {
        Alert removed = byFingerprint.remove(fingerprint);
        if (removed != null) {
            removeFromInstance(removed);
        }
    }

    /** The alerts of one instance: the group a notification is made of. */
    public List<Alert> alertsOf(String instanceId) {
        Map<String, Alert> alerts = byInstance.get(instanceId);
        return alerts == null ? List.of() : List.copyOf(alerts.values());
    }

    public Set<String> instances() {
        return Set.copyOf(byInstance.keySet());
    }

    public Collection<Alert> all() {
        return List.copyOf(byFingerprint.values());
    }

    public int size() {
        return byFingerprint.size();
    }

    /**
     * Records that a notification carrying {@code sent} was delivered (or given up on) at {@code at}.
     * Returns the updated alert, or empty when this alerter no longer owns it.
     */
    public Optional<Alert> stamp(Alert sent, Instant at) {
        Alert current = byFingerprint.get(sent.fingerprint());
        if (current == null) {
            return Optional.empty();
        }
        Alert next = current.notified(sent, at);
        put(next);
        return Optional.of(next);
    }

    /**
     * Records that a notification carrying {@code sent} is about to be delivered. Returns the updated alert,
     * or empty when this alerter no longer owns it.
     */
    public Optional<Alert> handOver(Alert sent) {
        Alert current = byFingerprint.get(sent.fingerprint());
        if (current == null) {
            return Optional.empty();
        }
        Alert next = current.pending(sent);
        put(next);
        return Optional.of(next);
    }

    /** Forgets the alerts of partitions this alerter no longer owns; returns them. */
    public List<Alert> removePartitions(Collection<Integer> partitions) {
        List<Alert> removed = new ArrayList<>();
        for (Alert a : all()) {
            if (partitions.contains(a.partition())) {
                remove(a.fingerprint());
                removed.add(a);
            }
        }
        return removed;
    }

    /**
     * Resolved alerts with nothing left to announce (never announced as firing, or their resolution
     * was announced, and no notification of unknown fate) that ended more than {@code retention} ago:
     * ready to be removed.
     */
    public List<Alert> finished(Instant now, Duration retention, Set<String> inFlight) {
        return byFingerprint.values().stream()
                .filter(a -> a.status() == AlertStatus.RESOLVED)
                .filter(a -> a.lastNotifiedStatus() != AlertStatus.FIRING)
                .filter(a -> a.pendingStatus() == null)
                .filter(a -> !inFlight.contains(a.fingerprint()))
                .filter(a -> !a.endsAt().plus(retention).isAfter(now))
                .toList();
    }

    private void removeFromInstance(Alert alert) {
        Map<String, Alert> alerts = byInstance.get(alert.instanceId());
        if (alerts != null) {
            alerts.remove(alert.fingerprint());
            if (alerts.isEmpty()) {
                byInstance.remove(alert.instanceId());
            }
        }
    }
}

package dev.pgvigil.alerter.notify;

import dev.pgvigil.alerter.model.Alert;
import java.util.List;
import java.util.Set;

/**
 * Holds back an instance's alerts while one of the inhibiting rules fires on it (by default
 * {@code instance_down}: a server that is down has no cache hit ratio worth mailing about). The
 * inhibiting alerts themselves pass, and so does any alert once the inhibitor resolves, then with
 * whatever it still has to say.
 */
public final class InhibitStage implements Stage {
    private final Set<String> inhibitingRules;

    public InhibitStage(Set<String> inhibitingRules) {
        this.inhibitingRules = Set.copyOf(inhibitingRules);
    }

    /** Keeps the alerts of one instance's group that may be notified. */
    @Override
    public Batch apply(Batch batch, Context context) {
        List<Alert> group = batch.alerts();
        if (!inhibitorFires(group)) {
            return batch;
        }
        return batch.withAlerts(group.stream().filter(a -> inhibitingRules.contains(a.rule())).toList());
    }

    /** Whether {@code alert} is held back within its group. */
    public boolean inhibited(Alert alert, List<Alert> group) {
        return !inhibitingRules.contains(alert.rule()) && inhibitorFires(group);
    }

    private boolean inhibitorFires(List<Alert> group) {
        return group.stream().anyMatch(a -> a.firing() && inhibitingRules.contains(a.rule()));
    }
}

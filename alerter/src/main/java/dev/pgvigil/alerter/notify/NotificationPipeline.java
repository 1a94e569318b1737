package dev.pgvigil.alerter.notify;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.alerter.model.AlertNotice;
import dev.pgvigil.alerter.model.Notification;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The decision half of the chain, for one instance's group whose time has come:
 * inhibit → silence → dedup → route. (The group stage before it says when; delivery after it sends.)
 */
public final class NotificationPipeline {
    /** What a group flush decided: the alerts that go out (to be stamped once delivered) and the messages. */
    public record Plan(List<AlertNotice> notices, List<Notification> notifications) {
        public static final Plan NOTHING = new Plan(List.of(), List.of());

        public boolean isEmpty() {
            return notifications.isEmpty();
        }
    }

    private final InhibitStage inhibit;
    private final SilenceStage silence;
    private final DedupStage dedup;
    private final RouteStage route;

    public NotificationPipeline(InhibitStage inhibit, SilenceStage silence, DedupStage dedup, RouteStage route) {
        this.inhibit = inhibit;
        this.silence = silence;
        this.dedup = dedup;
        this.route = route;
    }

    public Plan plan(String instanceId, List<Alert> group, Set<String> inFlight, Instant now) {
        List<Alert> visible = silence.apply(inhibit.apply(group), now);
        List<AlertNotice> notices = dedup.apply(visible, inFlight, now);
        if (notices.isEmpty()) {
            return Plan.NOTHING;
        }
        return new Plan(notices, route.apply(instanceId, notices, now));
    }

    public InhibitStage inhibit() {
        return inhibit;
    }

    public SilenceStage silence() {
        return silence;
    }

    public DedupStage dedup() {
        return dedup;
    }
}

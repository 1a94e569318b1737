package dev.pgvigil.alerter.notify;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.alerter.model.AlertNotice;
import dev.pgvigil.alerter.model.Notification;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * One step of the notification chain (Alertmanager's {@code notify.Stage}): takes what the previous
 * stage left of one instance's group and hands on what is left after it. {@link NotificationPipeline}
 * runs a list of them in order.
 */
public interface Stage {
    Batch apply(Batch batch, Context context);

    /** What one group flush is about: the group's instance, the alerts still being delivered, the time. */
    record Context(String instanceId, Set<String> inFlight, Instant now) {}

    /**
     * What travels down the chain. It starts as the group's alerts; the filtering stages narrow
     * {@code alerts}, dedup turns them into {@code notices} (the alerts that go out, stamped once
     * delivered), routing turns those into {@code notifications} (one per channel).
     */
    record Batch(List<Alert> alerts, List<AlertNotice> notices, List<Notification> notifications) {
        public Batch {
            alerts = List.copyOf(alerts);
            notices = List.copyOf(notices);
            notifications = List.copyOf(notifications);
        }

        public static Batch of(List<Alert> group) {
            return new Batch(group, List.of(), List.of());
        }

        public Batch withAlerts(List<Alert> kept) {
            return new Batch(kept, notices, notifications);
        }

        public Batch withNotices(List<AlertNotice> made) {
            return new Batch(alerts, made, notifications);
        }

        public Batch withNotifications(List<Notification> made) {
            return new Batch(alerts, notices, made);
        }

        /** Nothing to send: the flush ends here. */
        public boolean sendsNothing() {
            return notifications.isEmpty();
        }
    }
}

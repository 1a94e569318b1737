package dev.pgvigil.alerter.channel;

import dev.pgvigil.alerter.config.AlerterConfig;
import dev.pgvigil.alerter.model.AlertNotice;
import dev.pgvigil.alerter.model.Notification;
import java.time.ZoneId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes every notification to the log (always on): one line for the message, one per alert. */
public final class LogChannel implements Channel {
    private static final Logger log = LoggerFactory.getLogger("dev.pgvigil.alerter.notifications");
    private final ZoneId zone;

    public LogChannel(ZoneId zone) {
        this.zone = zone;
    }

    @Override
    public String name() {
        return AlerterConfig.LOG_CHANNEL;
    }

    @Override
    public void send(Notification n) {
        boolean firing = !n.firing().isEmpty();
        StringBuilder sb = new StringBuilder(NoticeFacts.subject(n)).append(" [").append(n.idempotencyKey()).append(']');
        for (AlertNotice notice : n.alerts()) {
            NoticeFacts f = NoticeFacts.of(notice, n.createdAt(), zone);
            sb.append("\n  ").append(f.headline()).append(" (").append(f.change()).append("): ").append(f.what())
                    .append("; ").append(f.since());
        }
        if (firing) {
            log.warn("{}", sb);
        } else {
            log.info("{}", sb);
        }
    }
}

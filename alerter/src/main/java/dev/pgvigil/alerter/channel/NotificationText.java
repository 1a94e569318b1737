package dev.pgvigil.alerter.channel;

import dev.pgvigil.alerter.model.Notification;
import java.time.ZoneId;

/** A notification as plain text: the e-mail's text part, and what the log channel writes. */
public final class NotificationText {
    private NotificationText() {}

    public static String render(Notification n, ZoneId zone) {
        StringBuilder sb = new StringBuilder();
        sb.append("pgvigil: ").append(NoticeFacts.summary(n)).append("\n\n");
        for (NoticeFacts f : NoticeFacts.of(n, zone)) {
            sb.append(f.headline()).append(" (").append(f.change()).append(")\n");
            field(sb, "What", f.what());
            field(sb, "Where", f.where());
            field(sb, "How bad", f.howBad());
            field(sb, "Since", f.since());
            field(sb, "What to do", f.todo());
            sb.append('\n');
        }
        sb.append("-- \n");
        sb.append("Silence these for 2 hours: ").append(NoticeFacts.silenceHint(n)).append('\n');
        sb.append("Notification ").append(n.idempotencyKey()).append('\n');
        return sb.toString();
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append("  ").append(name).append(':').append(" ".repeat(Math.max(1, 12 - name.length()))).append(value).append('\n');
    }
}

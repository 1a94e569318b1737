package dev.pgvigil.alerter.channel;

import dev.pgvigil.alerter.model.AlertNotice;
import dev.pgvigil.alerter.model.Change;
import dev.pgvigil.alerter.model.Notification;
import dev.pgvigil.schema.Severity;
import java.time.ZoneId;
import java.util.List;

/**
 * A notification as a small HTML page for the e-mail's HTML part: one card per alert with a coloured
 * severity badge and the five answers. Inline styles only (mail clients drop style sheets); every
 * value is escaped.
 */
public final class NotificationHtml {
    private NotificationHtml() {}

    public static String render(Notification n, ZoneId zone) {
        List<NoticeFacts> facts = NoticeFacts.of(n, zone);
        StringBuilder sb = new StringBuilder(2048);
        sb.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(escape(NoticeFacts.subject(n)))
                .append("</title></head><body style=\"font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#222;max-width:720px\">");
        sb.append("<h2 style=\"margin:0 0 12px 0\">").append(escape(NoticeFacts.summary(n))).append("</h2>");
        for (int i = 0; i < facts.size(); i++) {
            card(sb, n.alerts().get(i), facts.get(i));
        }
        sb.append("<p style=\"color:#666;font-size:12px\">Silence these for 2 hours: <code>")
                .append(escape(NoticeFacts.silenceHint(n))).append("</code><br>Notification ")
                .append(escape(n.idempotencyKey())).append("</p></body></html>");
        return sb.toString();
    }

    private static void card(StringBuilder sb, AlertNotice notice, NoticeFacts f) {
        boolean resolved = notice.change() == Change.RESOLVED;
        String colour = resolved ? "#2e7d32" : colour(notice.alert().severity());
        String badge = resolved ? "RESOLVED" : notice.alert().severity().name();
        sb.append("<div style=\"border:1px solid #ddd;border-left:6px solid ").append(colour)
                .append(";border-radius:4px;padding:8px 12px;margin:0 0 12px 0\">");
        sb.append("<p style=\"margin:0 0 8px 0\"><span style=\"background:").append(colour)
                .append(";color:#fff;font-weight:bold;padding:2px 6px;border-radius:3px\">").append(badge).append("</span> <b>")
                .append(escape(notice.alert().rule())).append("</b> on <b>").append(escape(notice.alert().instanceId()))
                .append("</b> <span style=\"color:#666\">(").append(escape(f.change())).append(")</span></p>");
        sb.append("<table style=\"border-collapse:collapse\">");
        row(sb, "What", f.what());
        row(sb, "Where", f.where());
        row(sb, "How bad", f.howBad());
        row(sb, "Since", f.since());
        row(sb, "What to do", f.todo());
        sb.append("</table></div>");
    }

    private static void row(StringBuilder sb, String name, String value) {
        sb.append("<tr><th style=\"text-align:left;vertical-align:top;padding:2px 12px 2px 0;white-space:nowrap\">")
                .append(name).append("</th><td style=\"padding:2px 0\">").append(escape(value)).append("</td></tr>");
    }

    private static String colour(Severity severity) {
        return switch (severity) {
            case CRITICAL -> "#c62828";
            case WARNING -> "#ef6c00";
            case INFO -> "#1565c0";
        };
    }

    static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}

package dev.pgvigil.alerter.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.alerter.model.AlertNotice;
import dev.pgvigil.alerter.model.Notification;
import dev.pgvigil.rules.Rule;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/**
 * The webhook body (version 1), also kept in dead letters: the notification's idempotency key,
 * instance and overall status, a subject line, and each alert with its own key. Times are ISO-8601 UTC.
 */
public final class NotificationJson {
    public static final String VERSION = "1";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private NotificationJson() {}

    public static ObjectNode tree(Notification n) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", VERSION);
        root.put("idempotencyKey", n.idempotencyKey());
        root.put("channel", n.channel());
        root.put("instance", n.instanceId());
        root.put("status", n.firing().isEmpty() ? "resolved" : "firing");
        root.put("summary", NoticeFacts.subject(n));
        root.put("createdAt", n.createdAt().toString());
        ArrayNode alerts = root.putArray("alerts");
        for (AlertNotice notice : n.alerts()) {
            Alert a = notice.alert();
            ObjectNode o = alerts.addObject();
            o.put("idempotencyKey", notice.key());
            o.put("fingerprint", a.fingerprint());
            o.put("status", a.status().name().toLowerCase(Locale.ROOT));
            o.put("change", notice.change().name().toLowerCase(Locale.ROOT));
            o.put("rule", a.rule());
            o.put("instance", a.instanceId());
            o.put("object", a.object());
            o.put("severity", a.severity().name());
            number(o, "value", a.value());
            number(o, "threshold", a.threshold());
            o.put("message", a.message());
            o.put("startsAt", a.startsAt().toString());
            o.put("endsAt", time(a.endsAt()));
            o.put("sequence", notice.sequence());
            o.put("instanceDown", a.rule().equals(Rule.INSTANCE_DOWN.wireName()));
            o.put("advice", NoticeFacts.todo(a));
            ObjectNode labels = o.putObject("labels");
            a.labels().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e -> labels.put(e.getKey(), e.getValue()));
        }
        return root;
    }

    public static String render(Notification n) {
        try {
            return MAPPER.writeValueAsString(tree(n));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(Notification n) {
        return render(n).getBytes(StandardCharsets.UTF_8);
    }

    /** NaN (a resolution without a measurement) as null: JSON has no NaN. */
    private static void number(ObjectNode o, String field, double value) {
        if (Double.isNaN(value)) {
            o.putNull(field);
        } else {
            o.put(field, value);
        }
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}

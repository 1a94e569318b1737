package dev.pgvigil.alerter.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvigil.alerter.config.SlackConfig;
import dev.pgvigil.alerter.model.Notification;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * A Slack-compatible incoming webhook: {@code text} (the fallback shown in notifications) and
 * {@code blocks}: a header, a section per alert with the five answers, and a context line with the
 * silence command and the idempotency key. Stays inside Slack's limits (50 blocks, 3000 characters a section).
 */
public final class SlackChannel implements Channel {
    static final int MAX_ALERT_SECTIONS = 40;
    private static final int MAX_SECTION_CHARS = 2900;
    private static final int MAX_HEADER_CHARS = 150;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final SlackConfig config;
    private final URI uri;
    private final ZoneId zone;
    private final JsonPost http;

    SlackChannel(SlackConfig config, URI uri, ZoneId zone, JsonPost http) {
        this.config = config;
        this.uri = uri;
        this.zone = zone;
        this.http = http;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public void send(Notification n) throws Exception {
        byte[] body = MAPPER.writeValueAsString(message(n, zone)).getBytes(StandardCharsets.UTF_8);
        http.post(name(), uri, body, Map.of(WebhookChannel.IDEMPOTENCY_HEADER, n.idempotencyKey()), config.timeout());
    }

    static ObjectNode message(Notification n, ZoneId zone) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("text", NoticeFacts.subject(n));
        ArrayNode blocks = root.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", cut(NoticeFacts.subject(n), MAX_HEADER_CHARS));
        List<NoticeFacts> facts = NoticeFacts.of(n, zone);
        for (NoticeFacts f : facts.subList(0, Math.min(facts.size(), MAX_ALERT_SECTIONS))) {
            String text = "*" + escape(f.headline()) + "* _(" + escape(f.change()) + ")_\n"
                    + "*What:* " + escape(f.what()) + "\n"
                    + "*Where:* " + escape(f.where()) + "\n"
                    + "*How bad:* " + escape(f.howBad()) + "\n"
                    + "*Since:* " + escape(f.since()) + "\n"
                    + "*What to do:* " + escape(f.todo());
            section(blocks, cut(text, MAX_SECTION_CHARS));
        }
        if (facts.size() > MAX_ALERT_SECTIONS) {
            section(blocks, "…and " + (facts.size() - MAX_ALERT_SECTIONS) + " more alerts on " + escape(n.instanceId()));
        }
        ObjectNode context = blocks.addObject().put("type", "context");
        context.putArray("elements").addObject().put("type", "mrkdwn")
                .put("text", "Silence: `" + escape(NoticeFacts.silenceHint(n)) + "` · " + n.idempotencyKey());
        return root;
    }

    private static void section(ArrayNode blocks, String mrkdwn) {
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", mrkdwn);
    }

    /** Slack's mrkdwn needs only these three escaped. */
    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}

package dev.pgvigil.alerter.channel;

import dev.pgvigil.alerter.config.AlerterConfig;
import dev.pgvigil.alerter.config.EmailConfig;
import dev.pgvigil.alerter.config.SlackConfig;
import dev.pgvigil.alerter.config.WebhookConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/** Makes the configured channels, reading their secrets now so a missing one fails at start, not at 3 a.m. */
public final class Channels {
    private Channels() {}

    public static Map<String, Channel> from(AlerterConfig config) {
        Map<String, Channel> channels = new LinkedHashMap<>();
        channels.put(AlerterConfig.LOG_CHANNEL, new LogChannel(config.zone()));
        JsonPost http = new JsonPost();
        for (WebhookConfig w : config.webhooks()) {
            String secret = w.secret().isEmpty() ? null : resolve("webhooks", w.name(), () -> w.secret().get().resolve());
            channels.put(w.name(), new WebhookChannel(w, secret, http));
        }
        for (SlackConfig s : config.slack()) {
            channels.put(s.name(), new SlackChannel(s, resolve("slack", s.name(), s::resolveUri), config.zone(), http));
        }
        for (EmailConfig e : config.email()) {
            String password = e.password().isEmpty() ? null : resolve("email", e.name(), () -> e.password().get().resolve());
            channels.put(e.name(), new EmailChannel(e, password, config.zone()));
        }
        return channels;
    }

    private static <T> T resolve(String kind, String name, java.util.function.Supplier<T> secret) {
        try {
            return secret.get();
        } catch (IllegalArgumentException | IllegalStateException e) { // a bad setting, or a secret that cannot be read
            throw new IllegalArgumentException("alerter." + kind + "[" + name + "]: " + e.getMessage());
        }
    }
}

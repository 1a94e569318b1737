package dev.pgvigil.alerter.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.net.URI;
import java.time.Duration;

/**
 * A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat). A Slack webhook URL is itself a
 * credential: give it as {@code urlSecret} (env or file); {@code url} is for receivers that need no secret.
 */
public record SlackConfig(String name, String url, Secret urlSecret,
        @JsonDeserialize(using = DurationText.Deserializer.class) Duration timeout) {
    public SlackConfig {
        ChannelNames.check(name);
        if ((url == null) == (urlSecret == null)) {
            throw new IllegalArgumentException("give exactly one of url or urlSecret");
        }
        if (url != null) {
            HttpUrls.check(url);
        }
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    }

    /** The webhook address, read from the secret's source when given that way. */
    public URI resolveUri() {
        String value = url != null ? url : urlSecret.resolve();
        HttpUrls.check(value);
        return URI.create(value);
    }
}

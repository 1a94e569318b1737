package dev.pgvigil.alerter.config;

import dev.pgvigil.common.config.Secret;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat). A Slack webhook URL is itself a
 * credential: give it with {@code urlEnv} or {@code urlFile}; {@code url} is for receivers that need no secret.
 */
public record SlackConfig(String name, String url, String urlEnv, Path urlFile,
        @JsonDeserialize(using = DurationText.Deserializer.class) Duration timeout) {
    public SlackConfig {
        ChannelNames.check(name);
        boolean secret = Secret.of("url", urlEnv, urlFile).isPresent();
        if ((url == null) == !secret) {
            throw new IllegalArgumentException("give exactly one of url, urlEnv or urlFile");
        }
        if (url != null) {
            HttpUrls.check(url);
        }
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    }

    /** The webhook address, read from its secret source when given that way. */
    public URI resolveUri() {
        String value = url != null ? url : Secret.of("url", urlEnv, urlFile).orElseThrow().resolve();
        HttpUrls.check(value);
        return URI.create(value);
    }
}

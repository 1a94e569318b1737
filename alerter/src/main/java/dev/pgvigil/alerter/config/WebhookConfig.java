package dev.pgvigil.alerter.config;

import dev.pgvigil.common.config.Secret;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A generic JSON webhook. With a secret ({@code secretEnv} or {@code secretFile}), every request carries
 * {@code X-Pgvigil-Signature: sha256=<hex HMAC-SHA256 of the body>} so the receiver can check it came from us.
 */
public record WebhookConfig(String name, String url, String secretEnv, Path secretFile,
        @JsonDeserialize(using = DurationText.Deserializer.class) Duration timeout) {
    public WebhookConfig {
        ChannelNames.check(name);
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("url is required");
        }
        HttpUrls.check(url);
        Secret.of("secret", secretEnv, secretFile);
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    }

    public URI uri() {
        return URI.create(url);
    }

    public Optional<Secret> secret() {
        return Secret.of("secret", secretEnv, secretFile);
    }
}

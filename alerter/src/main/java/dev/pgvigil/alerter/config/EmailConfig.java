package dev.pgvigil.alerter.config;

import dev.pgvigil.common.config.Secret;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An SMTP channel, the password from {@code passwordEnv} or {@code passwordFile}. {@code security}:
 * {@code starttls} (default: the server must offer STARTTLS, or
 * nothing is sent), {@code tls} (implicit TLS, "SMTPS"), or {@code none} (plain text, for a local relay
 * only). {@code properties} pass through to Jakarta Mail ({@code mail.smtp.*}), e.g. {@code mail.smtp.ssl.trust}.
 */
public record EmailConfig(String name, String host, Integer port, String security, String username, String passwordEnv,
        Path passwordFile,
        String from, List<String> to,
        @JsonDeserialize(using = DurationText.Deserializer.class) Duration timeout,
        Map<String, String> properties) {

    public enum Security { STARTTLS, TLS, NONE }

    public EmailConfig {
        ChannelNames.check(name);
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is required");
        }
        security = security == null ? "starttls" : security.toLowerCase(Locale.ROOT);
        if (!List.of("starttls", "tls", "none").contains(security)) {
            throw new IllegalArgumentException("security must be starttls, tls or none");
        }
        if (port == null) {
            port = switch (security) {
                case "tls" -> 465;
                case "none" -> 25;
                default -> 587;
            };
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535");
        }
        if (Secret.of("password", passwordEnv, passwordFile).isPresent() && (username == null || username.isBlank())) {
            throw new IllegalArgumentException("password needs a username");
        }
        if (from == null || !from.contains("@")) {
            throw new IllegalArgumentException("from must be an e-mail address");
        }
        if (to == null || to.isEmpty() || to.stream().anyMatch(a -> a == null || !a.contains("@"))) {
            throw new IllegalArgumentException("to must list at least one e-mail address");
        }
        to = List.copyOf(to);
        timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    public Optional<Secret> password() {
        return Secret.of("password", passwordEnv, passwordFile);
    }

    public Security securityMode() {
        return Security.valueOf(security.toUpperCase(Locale.ROOT));
    }
}

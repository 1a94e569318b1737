package dev.pgvigil.alerter.channel;

import dev.pgvigil.alerter.config.WebhookConfig;
import dev.pgvigil.alerter.model.Notification;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * POSTs {@link NotificationJson} to a URL with an {@code Idempotency-Key} header and, with a secret,
 * {@code X-Pgvigil-Signature: sha256=<hex HMAC-SHA256 of the body>}. Any 2xx is success.
 */
public final class WebhookChannel implements Channel {
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

    private final WebhookConfig config;
    private final String secret;
    private final JsonPost http;

    WebhookChannel(WebhookConfig config, String secret, JsonPost http) {
        this.config = config;
        this.secret = secret;
        this.http = http;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public void send(Notification n) throws Exception {
        byte[] body = NotificationJson.bytes(n);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(IDEMPOTENCY_HEADER, n.idempotencyKey());
        if (secret != null) {
            headers.put(Signatures.HEADER, Signatures.sign(secret, body));
        }
        http.post(name(), config.uri(), body, headers, config.timeout());
    }
}

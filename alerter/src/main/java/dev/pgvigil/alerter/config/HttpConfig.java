package dev.pgvigil.alerter.config;

/**
 * The alerter's HTTP API. It binds to loopback unless told otherwise; calls that change state need
 * {@code Authorization: Bearer <token>}, the token read from {@code token} (env or file). Without a
 * token the API is read-only. Port 0 picks a free port.
 */
public record HttpConfig(Boolean enabled, String bindAddress, Integer port, Secret token) {
    public static final int DEFAULT_PORT = 8093;
    public static final HttpConfig DEFAULT = new HttpConfig(null, null, null, null);

    public HttpConfig {
        enabled = enabled == null || enabled;
        bindAddress = bindAddress == null || bindAddress.isBlank() ? "127.0.0.1" : bindAddress;
        port = port == null ? DEFAULT_PORT : port;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
    }
}

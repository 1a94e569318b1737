package dev.pgvigil.common.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The {@code http} section of the configuration file: where a service's HTTP server listens and where
 * the token for state-changing requests comes from.
 *
 * <pre>
 * http:
 *   bindAddress: 127.0.0.1        # default: loopback only; 0.0.0.0 to listen on every interface
 *   port: 8080                    # default 8080; 0 picks a free port
 *   tokenEnv: PGVIGIL_HTTP_TOKEN  # environment variable holding the bearer token (default shown)
 *   tokenFile: /etc/pgvigil/token # or a file holding it (wins over tokenEnv)
 *   threads: 4                    # request threads (1..64)
 *   allowedHosts: [pgvigil.internal]  # names the Host header may carry (default: loopback names and bindAddress)
 *   tls:                          # HTTPS (TLS 1.2+) instead of HTTP, see {@link HttpTls}; default: plain HTTP
 *     keystore: /etc/pgvigil/http.p12
 *     keystorePasswordFile: /run/secrets/http-keystore
 * </pre>
 *
 * The token itself is never part of the file, so the file can be shared and committed.
 */
public record HttpSettings(String bindAddress, Integer port, String tokenEnv, Path tokenFile, Integer threads, List<String> allowedHosts,
                           HttpTls tls) {
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_TOKEN_ENV = "PGVIGIL_HTTP_TOKEN";
    public static final int DEFAULT_THREADS = 4;
    private static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "[::1]");

    public HttpSettings {
        bindAddress = bindAddress == null ? DEFAULT_BIND_ADDRESS : bindAddress.trim();
        if (bindAddress.isEmpty()) {
            throw new IllegalArgumentException("bindAddress must not be empty (default " + DEFAULT_BIND_ADDRESS + ")");
        }
        port = port == null ? DEFAULT_PORT : port;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 (any free port) and 65535, not " + port);
        }
        tokenEnv = tokenEnv == null || tokenEnv.isBlank() ? DEFAULT_TOKEN_ENV : tokenEnv.trim();
        threads = threads == null ? DEFAULT_THREADS : threads;
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("threads must be between 1 and 64, not " + threads);
        }
        allowedHosts = allowedHosts == null ? List.of() : allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
        if (allowedHosts.stream().anyMatch(h -> h.isEmpty() || h.contains("/"))) {
            throw new IllegalArgumentException("allowedHosts holds host names (no scheme, path or empty entry), got " + allowedHosts);
        }
    }

    /**
     * Whether a request's {@code Host} header names this server. A page from another site that rebinds its
     * DNS name to 127.0.0.1 sends its own name here, so a loopback-bound server must not answer it. The
     * names allowed: {@code allowedHosts}, or by default the loopback names and the bind address; a server
     * bound to every interface with no {@code allowedHosts} accepts any name (it cannot know its own).
     */
    public boolean allowsHost(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return false; // HTTP/1.1 requires it; only a hand-made request leaves it out
        }
        String name = hostHeader.trim().toLowerCase(Locale.ROOT);
        int portColon = name.startsWith("[") ? name.indexOf(':', Math.max(0, name.indexOf(']'))) : name.lastIndexOf(':');
        if (portColon >= 0) {
            name = name.substring(0, portColon);
        }
        if (!allowedHosts.isEmpty()) {
            return allowedHosts.contains(name);
        }
        String bind = bindAddress.toLowerCase(Locale.ROOT);
        if (bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]")) {
            return true;
        }
        return LOOPBACK_NAMES.contains(name) || name.equals(bind) || name.equals("[" + bind + "]");
    }

    /** Without TLS: plain HTTP. */
    public HttpSettings(String bindAddress, Integer port, String tokenEnv, Path tokenFile, Integer threads, List<String> allowedHosts) {
        this(bindAddress, port, tokenEnv, tokenFile, threads, allowedHosts, null);
    }

    /** Every default: 127.0.0.1:8080, token from {@value #DEFAULT_TOKEN_ENV}. */
    public static HttpSettings defaults() {
        return new HttpSettings(null, null, null, null, null, null);
    }

    /** Loopback on {@code port} (0: any free port), the other settings at their defaults. */
    public static HttpSettings loopback(int port) {
        return new HttpSettings(null, port, null, null, null, null);
    }

    public HttpSettings withPort(int newPort) {
        return new HttpSettings(bindAddress, newPort, tokenEnv, tokenFile, threads, allowedHosts, tls);
    }

    public HttpSettings withTokenFile(Path file) {
        return new HttpSettings(bindAddress, port, tokenEnv, file, threads, allowedHosts, tls);
    }

    public HttpSettings withTls(HttpTls newTls) {
        return new HttpSettings(bindAddress, port, tokenEnv, tokenFile, threads, allowedHosts, newTls);
    }

    /** The token from the process environment, see {@link #token(UnaryOperator)}. */
    public BearerToken token() {
        return token(System::getenv);
    }

    /**
     * The bearer token for state-changing requests: the first line of {@code tokenFile} when set (it
     * must then be readable and not empty), else the environment variable {@code tokenEnv}, else none
     * (state-changing requests are then refused).
     */
    public BearerToken token(UnaryOperator<String> environment) {
        if (tokenFile != null) {
            String text;
            try {
                text = Files.readString(tokenFile).lines().findFirst().orElse("").trim();
            } catch (IOException e) {
                throw new UncheckedIOException("http.tokenFile " + tokenFile + ": cannot read: " + e.getMessage(), e);
            }
            if (text.isEmpty()) {
                throw new IllegalArgumentException("http.tokenFile " + tokenFile + " is empty");
            }
            return BearerToken.of(text);
        }
        String value = environment.apply(tokenEnv);
        return value == null || value.isBlank() ? BearerToken.none() : BearerToken.of(value.trim());
    }
}

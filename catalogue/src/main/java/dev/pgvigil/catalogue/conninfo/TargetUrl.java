package dev.pgvigil.catalogue.conninfo;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A target's connection URL, parsed: {@code jdbc:postgresql://host:port/db?params} or a libpq-style
 * {@code postgresql://user:password@host:port/db?params} (also {@code postgres://}). Several hosts
 * ({@code h1:5432,h2:5432}) pass through to the driver as they are.
 *
 * <p>The user and password found in the URL (in the user-info part or as {@code user=}/{@code password=}
 * parameters) are taken out: {@link #jdbcUrl()} never holds a credential, and {@link #redacted()} is the
 * only form that may be logged.
 */
public record TargetUrl(String hosts, String database, String user, String password, Map<String, String> params) {
    private static final String[] PREFIXES = {"jdbc:postgresql://", "postgresql://", "postgres://"};
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9._-]{0,252})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}(%[A-Za-z0-9._-]{1,32})?");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    public TargetUrl {
        params = params == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(params)); // keeps the URL's order
    }

    public static TargetUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("url is required");
        }
        String rest = null;
        for (String prefix : PREFIXES) {
            if (url.regionMatches(true, 0, prefix, 0, prefix.length())) {
                rest = url.substring(prefix.length());
                break;
            }
        }
        if (rest == null) {
            // not echoed: a malformed URL may still hold a password
            throw new IllegalArgumentException("url must start with jdbc:postgresql://, postgresql:// or postgres://");
        }
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String authority = slash >= 0 ? rest.substring(0, slash) : rest;
        String database = slash >= 0 ? decode(rest.substring(slash + 1)) : "";
        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
            password = colon >= 0 ? decode(userInfo.substring(colon + 1)) : null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq >= 0 ? pair.substring(0, eq) : pair);
            String value = eq >= 0 ? decode(pair.substring(eq + 1)) : "";
            switch (key) {
                case "user" -> user = value;
                case "password" -> password = value;
                default -> params.put(key, value);
            }
        }
        if (authority.isBlank()) {
            throw new IllegalArgumentException("url names no host");
        }
        if (database.isBlank()) {
            throw new IllegalArgumentException("url names no database (expected .../DATABASE at the end)");
        }
        for (String host : authority.split(",", -1)) {
            checkHost(host);
        }
        return new TargetUrl(authority, database, emptyToNull(user), emptyToNull(password), params);
    }

    /**
     * One {@code host[:port]} of the authority: a name or IPv4 address, or an IPv6 address in brackets,
     * and a port from 1 to 65535. Checked at load so that a URL the driver would refuse fails the
     * configuration, not every cycle. The host is echoed: a password never stands there.
     */
    private static void checkHost(String hostAndPort) {
        String host = hostAndPort;
        String port = null;
        if (hostAndPort.startsWith("[")) {
            int close = hostAndPort.indexOf(']');
            if (close < 0 || !IPV6.matcher(hostAndPort.substring(1, close)).matches()) {
                throw new IllegalArgumentException("url host '" + hostAndPort + "' is not a bracketed IPv6 address");
            }
            host = hostAndPort.substring(0, close + 1);
            String after = hostAndPort.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("url host '" + hostAndPort + "' has text after the address");
                }
                port = after.substring(1);
            }
        } else {
            int colon = hostAndPort.lastIndexOf(':');
            if (colon >= 0) {
                host = hostAndPort.substring(0, colon);
                port = hostAndPort.substring(colon + 1);
            }
            if (!HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("url host '" + host + "' is not a host name or address");
            }
        }
        if (port != null && !(PORT.matcher(port).matches() && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65_535)) {
            throw new IllegalArgumentException("url port '" + port + "' of host " + host + " must be a number from 1 to 65535");
        }
    }

    /** The JDBC URL with every credential removed; pass user and password as driver properties. */
    public String jdbcUrl() {
        String base = "jdbc:postgresql://" + hosts + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
        if (params.isEmpty()) {
            return base;
        }
        return base + "?" + params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** For logs and messages: {@code postgresql://user:***@host:port/db}. */
    public String redacted() {
        String userPart = user == null ? "" : user + (password == null ? "" : ":***") + "@";
        return "postgresql://" + userPart + hosts + "/" + database;
    }

    /** {@code text} with this URL's password (raw and URL-encoded) replaced by {@code ***}. */
    public String redact(String text) {
        return Redaction.redact(text, password);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    @Override
    public String toString() {
        return redacted(); // a record's default toString would print the password
    }
}

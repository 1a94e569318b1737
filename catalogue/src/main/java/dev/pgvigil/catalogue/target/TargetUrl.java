package dev.pgvigil.catalogue.target;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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
        return new TargetUrl(authority, database, emptyToNull(user), emptyToNull(password), params);
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

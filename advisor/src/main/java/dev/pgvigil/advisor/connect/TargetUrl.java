package dev.pgvigil.advisor.connect;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where a one-shot command connects: a {@code jdbc:postgresql://} URL or a libpq-style
 * {@code postgresql://user:password@host:port/db?param=value} URI, normalised to a JDBC URL without
 * credentials; the user and password found in it are kept apart so that nothing echoed carries them.
 */
public record TargetUrl(String jdbcUrl, String host, int port, String database, String user, String password) {
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

    public static TargetUrl parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("--target is empty: give jdbc:postgresql://HOST:PORT/DB or postgresql://USER@HOST:PORT/DB");
        }
        String t = text.strip();
        String rest;
        boolean libpq;
        if (t.startsWith("jdbc:postgresql://")) {
            rest = t.substring("jdbc:postgresql://".length());
            libpq = false;
        } else if (t.startsWith("postgresql://") || t.startsWith("postgres://")) {
            rest = t.substring(t.indexOf("://") + 3);
            libpq = true;
        } else {
            throw new IllegalArgumentException("--target must start with jdbc:postgresql:// or postgresql:// (got "
                    + redact(t) + ")");
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@', firstOf(rest, '/', '?'));
        if (at >= 0) {
            if (!libpq) {
                throw new IllegalArgumentException("--target: a jdbc:postgresql:// URL takes no user@; use --user");
            }
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        int slash = firstOf(rest, '/', '?');
        String hostPort = rest.substring(0, slash);
        String path = rest.substring(slash);
        String query = "";
        int q = path.indexOf('?');
        if (q >= 0) {
            query = path.substring(q + 1);
            path = path.substring(0, q);
        }
        String database = path.startsWith("/") ? decode(path.substring(1)) : "";
        if (hostPort.isEmpty()) {
            throw new IllegalArgumentException("--target has no host (Unix sockets are not supported; use 127.0.0.1)");
        }
        String firstHost = hostPort.split(",")[0];
        String host = firstHost;
        int port = 5432;
        int portColon = firstHost.lastIndexOf(':');
        if (portColon > 0 && !firstHost.endsWith("]")) {
            host = firstHost.substring(0, portColon);
            try {
                port = Integer.parseInt(firstHost.substring(portColon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--target has a bad port: " + firstHost.substring(portColon + 1));
            }
        }
        List<String> params = new ArrayList<>();
        for (String param : query.split("&")) {
            if (param.isEmpty()) {
                continue;
            }
            int eq = param.indexOf('=');
            String key = eq < 0 ? param : param.substring(0, eq);
            String value = eq < 0 ? "" : decode(param.substring(eq + 1));
            switch (key.toLowerCase(Locale.ROOT)) {
                case "user" -> user = value;
                case "password" -> password = value;
                default -> params.add(param);
            }
        }
        if (database.isEmpty()) {
            database = user != null ? user : "postgres";
        }
        String jdbc = "jdbc:postgresql://" + hostPort + "/" + encodePath(database)
                + (params.isEmpty() ? "" : "?" + String.join("&", params));
        return new TargetUrl(jdbc, host, port, database, user, password);
    }

    /** The instance as printed and stored: {@code host:port/database}, never any credential. */
    public String instance() {
        return host + ":" + port + "/" + database;
    }

    /** Whether the server runs on this machine, so local RAM and CPUs describe it. */
    public boolean isLocal() {
        return LOCAL_HOSTS.contains(host.toLowerCase(Locale.ROOT));
    }

    /** Any URL-like text with its password removed, for messages. */
    public static String redact(String text) {
        return text.replaceAll("(?i)(password=)[^&\\s]*", "$1***")
                .replaceAll("(://[^:/@\\s]*:)[^@/\\s]*@", "$1***@");
    }

    @Override
    public String toString() {
        return "TargetUrl[" + instance() + (user == null ? "" : " as " + user) + "]";
    }

    private static int firstOf(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        if (i < 0) {
            return j < 0 ? s.length() : j;
        }
        return j < 0 ? i : Math.min(i, j);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encodePath(String database) {
        return database.replace("%", "%25").replace("/", "%2F").replace("?", "%3F").replace(" ", "%20");
    }
}

package dev.pgvigil.common.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routes of a server: method + path pattern ({@code /api/instances/{id}/series}, a {@code {name}}
 * matches one path segment) to a {@link Handler}, plus static-file mounts ({@code /vendor/uplot/}).
 * Routes win over mounts; a path that matches only with another method answers 405 with an
 * {@code Allow} header; HEAD is answered like GET.
 */
public final class Router {
    /** Methods that change state: they need the bearer token. */
    public static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final List<Route> routes = new ArrayList<>();
    private final List<Mount> mounts = new ArrayList<>();

    public Router get(String pattern, Handler handler) {
        return route("GET", pattern, handler);
    }

    public Router post(String pattern, Handler handler) {
        return route("POST", pattern, handler);
    }

    public Router put(String pattern, Handler handler) {
        return route("PUT", pattern, handler);
    }

    public Router delete(String pattern, Handler handler) {
        return route("DELETE", pattern, handler);
    }

    public Router route(String method, String pattern, Handler handler) {
        Route route = new Route(method, pattern, handler);
        for (Route existing : routes) {
            if (existing.method.equals(method) && existing.pattern.equals(pattern)) {
                throw new IllegalArgumentException("route " + method + " " + pattern + " is defined twice");
            }
        }
        routes.add(route);
        return this;
    }

    /** Serves {@code files} for GET/HEAD below {@code prefix} (which starts and ends with '/'). */
    public Router mount(String prefix, StaticFiles files) {
        if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
            throw new IllegalArgumentException("mount prefix must start and end with '/': " + prefix);
        }
        mounts.add(new Mount(prefix, files));
        mounts.sort(Comparator.comparingInt((Mount m) -> m.prefix.length()).reversed());
        return this;
    }

    /** Every route, in the order they were added (for documentation checks). */
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /**
     * What answers {@code method rawPath} (still percent-encoded, so an encoded '/' stays inside its
     * segment): a route with its decoded path parameters, or a mount; 404/405 otherwise.
     */
    Target resolve(String method, String rawPath) {
        String lookup = method.equals("HEAD") ? "GET" : method;
        String[] segments = segments(rawPath);
        for (int i = 0; i < segments.length; i++) {
            segments[i] = PercentDecoder.decode(segments[i]);
        }
        String path = PercentDecoder.decode(rawPath);
        Set<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            Map<String, String> params = route.match(segments);
            if (params != null) {
                if (route.method.equals(lookup)) {
                    return new Target(route, params, null, null);
                }
                allowed.add(route.method);
            }
        }
        if (allowed.isEmpty()) {
            for (Mount mount : mounts) {
                if (path.startsWith(mount.prefix) || path.equals(mount.prefix.substring(0, mount.prefix.length() - 1))) {
                    if (!lookup.equals("GET")) {
                        throw methodNotAllowed(method, Set.of("GET", "HEAD"));
                    }
                    String rest = path.length() <= mount.prefix.length() ? "" : path.substring(mount.prefix.length());
                    return new Target(null, Map.of(), mount.files, rest);
                }
            }
            throw HttpError.notFound("no such resource: " + path);
        }
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        throw methodNotAllowed(method, allowed);
    }

    private static HttpError methodNotAllowed(String method, Set<String> allowed) {
        return new HttpError(405, "method " + method + " is not allowed here (allowed: " + String.join(", ", allowed) + ")")
                .withHeader("Allow", String.join(", ", allowed));
    }

    private static String[] segments(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }

    /** One route: {@code pattern} segments are literals or {@code {name}}. */
    public static final class Route {
        private final String method;
        private final String pattern;
        private final Handler handler;
        private final String[] parts;

        Route(String method, String pattern, Handler handler) {
            if (!pattern.startsWith("/")) {
                throw new IllegalArgumentException("pattern must start with '/': " + pattern);
            }
            this.method = method;
            this.pattern = pattern;
            this.handler = handler;
            this.parts = segments(pattern);
        }

        public String method() {
            return method;
        }

        public String pattern() {
            return pattern;
        }

        Handler handler() {
            return handler;
        }

        /** The path parameters when {@code segments} match, else null. */
        Map<String, String> match(String[] segments) {
            if (segments.length != parts.length) {
                return null;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                if (part.startsWith("{") && part.endsWith("}")) {
                    if (segments[i].isEmpty()) {
                        return null;
                    }
                    params.put(part.substring(1, part.length() - 1), segments[i]);
                } else if (!part.equals(segments[i])) {
                    return null;
                }
            }
            return params;
        }
    }

    private record Mount(String prefix, StaticFiles files) {}

    /** A resolved request: a route (with params) or a static mount (with the path below it). */
    record Target(Route route, Map<String, String> params, StaticFiles files, String filePath) {}
}

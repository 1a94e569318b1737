package dev.pgvigil.common.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files from the classpath below a root folder (a module's {@code src/main/resources/dashboard/}, a
 * WebJar's {@code META-INF/resources/webjars/...}), with the right content type, an ETag (answered
 * with 304 when the client has it) and a Cache-Control header chosen per mount. A path ending in '/'
 * serves its {@code index.html}. Paths with {@code ..}, backslashes or empty segments are 404s, so
 * nothing outside the root is reachable. Files are read once and kept: they ship inside the jar.
 */
public final class StaticFiles {
    /** Revalidate every time (cheap with the ETag): for the application's own files, which change with a release. */
    public static final String REVALIDATE = "no-cache";
    /** Keep a day without asking: for third-party files that only change with a dependency upgrade. */
    public static final String ONE_DAY = "public, max-age=86400";

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("yaml", "application/yaml; charset=utf-8"),
            Map.entry("yml", "application/yaml; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"));

    private final ClassLoader loader;
    private final String root;
    private final String cacheControl;
    private final Map<String, Optional<File>> cache = new ConcurrentHashMap<>();

    private StaticFiles(ClassLoader loader, String root, String cacheControl) {
        this.loader = loader;
        this.root = root.isEmpty() || root.endsWith("/") ? root : root + "/";
        this.cacheControl = cacheControl;
    }

    /** Files below {@code root} on the classpath of {@code anchor}'s class loader. */
    public static StaticFiles classpath(Class<?> anchor, String root, String cacheControl) {
        return new StaticFiles(anchor.getClassLoader(), root.startsWith("/") ? root.substring(1) : root, cacheControl);
    }

    /** The content type pgvigil sends for a file name. */
    public static String contentType(String fileName) {
        int dot = fileName.lastIndexOf('.');
        String ext = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    /**
     * Answers a GET for {@code relativePath} (below the root), honouring {@code If-None-Match} (may be
     * null); a 404 {@link HttpError} when there is no such file. Mounts call it; so can a route that
     * serves one fixed file.
     */
    public Response serve(String relativePath, String ifNoneMatch) {
        String path = relativePath.isEmpty() || relativePath.endsWith("/") ? relativePath + "index.html" : relativePath;
        File file = cache.computeIfAbsent(path, this::load)
                .orElseThrow(() -> HttpError.notFound("no such file: " + relativePath));
        if (ifNoneMatch != null && (ifNoneMatch.equals(file.etag) || ifNoneMatch.equals("W/" + file.etag))) {
            return new Response(304, file.contentType, Map.of("ETag", file.etag, "Cache-Control", cacheControl), null);
        }
        return new Response(200, file.contentType, Map.of("ETag", file.etag, "Cache-Control", cacheControl), file.bytes);
    }

    private Optional<File> load(String path) {
        if (path.startsWith("/") || path.contains("\\") || path.contains("//")) {
            return Optional.empty();
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                return Optional.empty();
            }
        }
        URL url = loader.getResource(root + path);
        try {
            if (url == null || isDirectory(url)) {
                return Optional.empty();
            }
            try (InputStream in = url.openStream()) {
                byte[] bytes = in.readAllBytes();
                return Optional.of(new File(bytes, contentType(path), etag(bytes)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Class loaders hand out folders too (as a listing, or an empty jar entry): those are not files. */
    private static boolean isDirectory(URL url) throws IOException {
        if (url.getProtocol().equals("file")) {
            try {
                return Files.isDirectory(Path.of(url.toURI()));
            } catch (URISyntaxException e) {
                return true;
            }
        }
        if (url.openConnection() instanceof JarURLConnection jar) {
            return jar.getJarEntry() == null || jar.getJarEntry().isDirectory();
        }
        return false;
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record File(byte[] bytes, String contentType, String etag) {}
}

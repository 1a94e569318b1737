package dev.pgvigil.alerter.config;

import java.net.URI;
import java.net.URISyntaxException;

final class HttpUrls {
    private HttpUrls() {}

    /** Accepts an absolute http(s) URL; the message never repeats the URL (it may hold a token). */
    static void check(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException("url must be an absolute http:// or https:// address");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url is not a valid address: " + e.getReason());
        }
    }
}

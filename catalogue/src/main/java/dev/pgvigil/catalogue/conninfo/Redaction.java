package dev.pgvigil.catalogue.conninfo;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Takes secrets out of text that is about to be logged, printed or published. */
public final class Redaction {
    public static final String MASK = "***";

    private Redaction() {}

    /** {@code text} with every occurrence of each secret (as is and URL-encoded) replaced by {@value #MASK}. */
    public static String redact(String text, String... secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            if (secret == null || secret.isEmpty()) {
                continue;
            }
            out = out.replace(secret, MASK);
            String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
            if (!encoded.equals(secret)) {
                out = out.replace(encoded, MASK);
            }
        }
        return out;
    }
}

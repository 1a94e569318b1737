package dev.pgvigil.common.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The secret a client must send as {@code Authorization: Bearer <token>} to change state. Only a
 * SHA-256 digest is kept, and digests are compared with {@link MessageDigest#isEqual}, so neither the
 * time a comparison takes nor a heap dump gives the token away.
 */
public final class BearerToken {
    private static final BearerToken NONE = new BearerToken(null);

    private final byte[] digest;

    private BearerToken(byte[] digest) {
        this.digest = digest;
    }

    public static BearerToken of(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("token must not be empty");
        }
        return new BearerToken(sha256(token));
    }

    /** No token configured: every state-changing request is refused. */
    public static BearerToken none() {
        return NONE;
    }

    public boolean configured() {
        return digest != null;
    }

    /** Whether an {@code Authorization} header value carries this token. */
    public boolean matches(String authorizationHeader) {
        if (digest == null || authorizationHeader == null) {
            return false;
        }
        String prefix = "bearer ";
        if (authorizationHeader.length() <= prefix.length()
                || !authorizationHeader.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(authorizationHeader.substring(prefix.length()).trim()));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return configured() ? "BearerToken[configured]" : "BearerToken[none]";
    }
}

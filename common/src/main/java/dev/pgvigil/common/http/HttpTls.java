package dev.pgvigil.common.http;

import dev.pgvigil.common.config.ConfigKeyException;
import dev.pgvigil.common.config.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * {@code http.tls}: serve HTTPS with the key and certificate chain in a keystore (PKCS12 or JKS). Its
 * password comes from {@code keystorePasswordEnv} or {@code keystorePasswordFile} (see {@link Secret}),
 * never inline.
 *
 * <pre>
 * http:
 *   tls:
 *     keystore: /etc/pgvigil/http.p12
 *     keystorePasswordFile: /run/secrets/http-keystore   # or keystorePasswordEnv: HTTP_KEYSTORE_PASSWORD
 * </pre>
 */
public record HttpTls(Path keystore, String keystorePassword, String keystorePasswordEnv, Path keystorePasswordFile) {
    /** The protocols offered: TLS 1.2 and newer. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    public HttpTls {
        if (keystorePassword != null) {
            throw new ConfigKeyException(List.of("keystorePassword"), "a password is never given inline: name an environment variable in "
                    + "http.tls.keystorePasswordEnv, or a file in http.tls.keystorePasswordFile");
        }
        if (keystore == null) {
            throw new ConfigKeyException(List.of("keystore"), "is required with http.tls (a PKCS12 or JKS file with the server's key and certificate)");
        }
        if ((keystorePasswordEnv == null || keystorePasswordEnv.isBlank()) == (keystorePasswordFile == null)) {
            throw new IllegalArgumentException("give exactly one of keystorePasswordEnv, keystorePasswordFile");
        }
    }

    public static HttpTls of(Path keystore, Path keystorePasswordFile) {
        return new HttpTls(keystore, null, null, keystorePasswordFile);
    }

    private Secret password() {
        return Secret.of("http.tls.keystorePassword", keystorePasswordEnv, keystorePasswordFile).orElseThrow();
    }

    /**
     * A server context with the keystore's key, read now.
     *
     * @throws IllegalArgumentException naming the key at fault when the keystore cannot be read or the password does not open it
     */
    SSLContext serverContext() {
        Secret secret = password();
        char[] password;
        try {
            password = secret.resolve().toCharArray();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("http.tls: " + e.getMessage(), e);
        }
        if (!Files.isReadable(keystore)) {
            throw new IllegalArgumentException("http.tls.keystore " + keystore + ": not a readable file");
        }
        KeyStore store;
        try {
            store = KeyStore.getInstance(keystore.toFile(), password);
        } catch (IOException | GeneralSecurityException e) {
            // a wrong password surfaces as an IOException whose cause is UnrecoverableKeyException: the message says what to check
            throw new IllegalArgumentException("http.tls.keystore " + keystore + " does not open with the password from " + secret.key()
                    + " (wrong password, or not a PKCS12/JKS keystore)");
        }
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("http.tls.keystore " + keystore + ": its key does not open with the password from "
                    + secret.key() + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "HttpTls[" + keystore + ", " + password() + "]";
    }
}

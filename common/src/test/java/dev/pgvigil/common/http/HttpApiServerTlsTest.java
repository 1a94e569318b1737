package dev.pgvigil.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvigil.embedded.ThrowawayTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code http.tls}: with a keystore a throwaway CA signed, the server speaks HTTPS only (TLS 1.2 and up) to
 * a client that trusts the CA; plain HTTP on that port gets no answer; a wrong keystore password refuses
 * to start with a message naming the key.
 */
class HttpApiServerTlsTest {
    @TempDir
    static Path dir;
    private static ThrowawayTls tls;
    private static Path passwordFile;
    private static final Router ROUTER = new Router().get("/health", req -> Response.json(java.util.Map.of("status", "UP")));

    @BeforeAll
    static void certificates() throws IOException {
        tls = ThrowawayTls.create(dir);
        passwordFile = Files.writeString(dir.resolve("keystore-password"), tls.password() + "\n");
    }

    private static HttpSettings settings(Path password) {
        return HttpSettings.loopback(0).withTls(HttpTls.of(tls.keystore(), password));
    }

    private static HttpClient client(String... protocols) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tls.truststore())) {
            trust.load(in, tls.password().toCharArray());
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        HttpClient.Builder builder = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5));
        if (protocols.length > 0) {
            builder.sslParameters(new SSLParameters(null, protocols));
        }
        return builder.build();
    }

    private static HttpRequest get(String uri) {
        return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void servesHttpsToAClientTrustingTheCaAndNothingToPlainHttp() throws Exception {
        try (HttpApiServer server = HttpApiServer.start(settings(passwordFile), ROUTER, BearerToken.none(), null)) {
            assertThat(server.baseUri().getScheme()).isEqualTo("https");
            String https = "https://localhost:" + server.port() + "/health";

            HttpResponse<String> response = client().send(get(https), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("UP");
            assertThat(response.sslSession()).get().extracting(s -> s.getProtocol()).isIn("TLSv1.2", "TLSv1.3");

            assertThatThrownBy(() -> client("TLSv1.1").send(get(https), HttpResponse.BodyHandlers.ofString()))
                    .as("TLS 1.1 is not offered").isInstanceOf(IOException.class);
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(get("http://localhost:" + server.port() + "/health"),
                    HttpResponse.BodyHandlers.ofString())).as("plain HTTP on the TLS port").isInstanceOf(IOException.class);
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(get(https), HttpResponse.BodyHandlers.ofString()))
                    .as("a client that does not trust the CA").isInstanceOf(IOException.class);

            // still serving after all that
            assertThat(client().send(get(https), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aWrongKeystorePasswordIsAConfigErrorNamingTheKey() throws IOException {
        Path wrong = Files.writeString(dir.resolve("wrong-password"), "not-the-password\n");
        assertThatThrownBy(() -> HttpApiServer.start(settings(wrong), ROUTER, BearerToken.none(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http.tls.keystore")
                .hasMessageContaining("http.tls.keystorePasswordFile")
                .hasMessageNotContaining("not-the-password");
    }

    @Test
    void anInlinePasswordOrNoneIsRefused() {
        assertThatThrownBy(() -> new HttpTls(tls.keystore(), "inline", null, null)).hasMessageContaining("never given inline");
        assertThatThrownBy(() -> new HttpTls(tls.keystore(), null, null, null)).hasMessageContaining("keystorePasswordEnv, keystorePasswordFile");
    }
}

package dev.pgvigil.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server against a real socket: routing, parameters, errors, the token, static files, gzip, timings. */
class HttpApiServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "s3cret-token";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    record Item(String id, Instant at, int limit, Instant from) {}

    record Tagged(List<String> tags) {}

    record NewItem(String name) {
        NewItem {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name is required");
            }
        }
    }

    private static HttpApiServer server;
    private static SimpleMeterRegistry meters;

    @BeforeAll
    static void start() throws IOException {
        meters = new SimpleMeterRegistry();
        Router router = new Router()
                .get("/api/items/{id}", req -> {
                    req.allowOnly("limit", "from");
                    return Response.json(new Item(req.pathParam("id"), Instant.parse("2025-01-31T12:00:00Z"),
                            req.intQuery("limit", 10, 1, 100), req.instantQuery("from").orElse(null)));
                })
                .get("/api/items/{id}/echo/{what}", req -> Response.json(Map.of("id", req.pathParam("id"), "what", req.pathParam("what"))))
                .post("/api/items", req -> Response.json(201, req.bodyJson(NewItem.class)))
                .post("/api/tagged", req -> Response.json(201, req.bodyJson(Tagged.class).tags().size()))
                .delete("/api/items/{id}", req -> Response.json(200, Map.of("deleted", req.pathParam("id"))))
                .get("/api/boom", req -> {
                    throw new IllegalStateException("password=hunter2 leaked in a message");
                })
                .get("/api/big", req -> Response.json(Collections.nCopies(500, "abcdefghij")))
                .mount("/", StaticFiles.classpath(HttpApiServerTest.class, "site", StaticFiles.REVALIDATE));
        server = HttpApiServer.start(HttpSettings.loopback(0), router, BearerToken.of(TOKEN), meters);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.baseUri().resolve(path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.baseUri().resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bindsLoopbackByDefaultAndOnlyThere() throws Exception {
        assertThat(HttpSettings.defaults().bindAddress()).isEqualTo("127.0.0.1");
        assertThat(HttpSettings.defaults().port()).isEqualTo(8080);
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        Optional<InetAddress> external = NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress() && a.getAddress().length == 4)
                .findFirst();
        Assumptions.assumeTrue(external.isPresent(), "no non-loopback IPv4 address on this machine");
        try (Socket socket = new Socket()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> socket.connect(new InetSocketAddress(external.get(), server.port()), 2000))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void answersRecordsAsJsonWithIsoTimesAndPathParams() throws Exception {
        HttpResponse<String> response = get("/api/items/db%2F1?limit=5&from=2025-01-01T00:00:00%2B01:00");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("id").asText()).isEqualTo("db/1");
        assertThat(body.get("at").asText()).isEqualTo("2025-01-31T12:00:00Z");
        assertThat(body.get("limit").asInt()).isEqualTo(5);
        assertThat(body.get("from").asText()).isEqualTo("2024-12-31T23:00:00Z");

        JsonNode echo = JSON.readTree(get("/api/items/a+b/echo/x%20y").body());
        assertThat(echo.get("id").asText()).isEqualTo("a+b");
        assertThat(echo.get("what").asText()).isEqualTo("x y");
    }

    @Test
    void badParametersAre400sThatNameTheParameter() throws Exception {
        assertBadParameter(get("/api/items/x?limit=abc"), "limit", "whole number");
        assertBadParameter(get("/api/items/x?limit=0"), "limit", "between 1 and 100");
        assertBadParameter(get("/api/items/x?from=yesterday"), "from", "ISO-8601");
        assertBadParameter(get("/api/items/x?form=2025-01-01T00:00:00Z"), "form", "unknown parameter (known: limit, from)");
        assertBadParameter(get("/api/items/x?limit=1&limit=2"), "limit", "more than once");
    }

    private static void assertBadParameter(HttpResponse<String> response, String parameter, String problem) throws Exception {
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("status").asInt()).isEqualTo(400);
        assertThat(body.get("parameter").asText()).isEqualTo(parameter);
        assertThat(body.get("message").asText()).contains("'" + parameter + "'").contains(problem);
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> missing = get("/api/nothing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).get("error").asText()).isEqualTo("Not Found");

        HttpResponse<String> wrong = send("PUT", "/api/items/x", "{}", "Authorization", "Bearer " + TOKEN);
        assertThat(wrong.statusCode()).isEqualTo(405);
        assertThat(wrong.headers().firstValue("Allow")).hasValue("DELETE, GET, HEAD");

        assertThat(send("POST", "/index.html", "", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(405);
    }

    @Test
    void stateChangingMethodsNeedTheToken() throws Exception {
        HttpResponse<String> none = send("POST", "/api/items", "{\"name\":\"a\"}", "Content-Type", "application/json");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(none.body()).doesNotContain(TOKEN);

        assertThat(send("POST", "/api/items", "{\"name\":\"a\"}", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(send("DELETE", "/api/items/1", null).statusCode()).isEqualTo(401);
        assertThat(send("DELETE", "/api/items/1", null, "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);

        HttpResponse<String> ok = send("POST", "/api/items", "{\"name\":\"a\"}",
                "Authorization", "bearer " + TOKEN, "Content-Type", "application/json");
        assertThat(ok.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(ok.body()).get("name").asText()).isEqualTo("a");
    }

    @Test
    void badBodiesAre400And415() throws Exception {
        String auth = "Bearer " + TOKEN;
        HttpResponse<String> invalid = send("POST", "/api/items", "{\"name\":\"\"}", "Authorization", auth, "Content-Type", "application/json");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(invalid.body()).get("message").asText()).contains("name is required");

        assertThat(send("POST", "/api/items", "{not json", "Authorization", auth, "Content-Type", "application/json").statusCode())
                .isEqualTo(400);
        assertThat(send("POST", "/api/items", "{\"name\":\"a\"}", "Authorization", auth, "Content-Type", "text/plain").statusCode())
                .isEqualTo(415);
        assertThat(send("POST", "/api/items", "x".repeat(Request.MAX_BODY_BYTES + 1), "Authorization", auth,
                "Content-Type", "application/json").statusCode()).isEqualTo(413);
        // found by a hostile probe: these reached handlers as null and came back as 500s
        assertThat(send("POST", "/api/items", "null", "Authorization", auth, "Content-Type", "application/json").statusCode())
                .isEqualTo(400);
        HttpResponse<String> nullInList = send("POST", "/api/tagged", "{\"tags\":[null]}", "Authorization", auth, "Content-Type", "application/json");
        assertThat(nullInList.statusCode()).isEqualTo(400);
        assertThat(send("POST", "/api/tagged", "{\"tags\":[\"a\"]} {}", "Authorization", auth, "Content-Type", "application/json").statusCode())
                .isEqualTo(400);
        assertThat(send("POST", "/api/tagged", "{\"tags\":[\"a\"]}", "Authorization", auth, "Content-Type", "application/json").statusCode())
                .isEqualTo(201);
    }

    @Test
    void anOversizedBodyGetsIts413RatherThanAReset() throws Exception {
        // the server answers before reading the body; unread bytes at close made TCP reset the connection, and the
        // 413 was sometimes lost with it (seen once in CI), so ask often enough for the race to show
        String tooLarge = "x".repeat(4 * Request.MAX_BODY_BYTES);
        for (int i = 0; i < 40; i++) {
            assertThat(send("POST", "/api/items", tooLarge, "Authorization", "Bearer " + TOKEN,
                    "Content-Type", "application/json").statusCode()).isEqualTo(413);
        }
    }

    @Test
    void answersOnlyToItsOwnHostNames() throws Exception {
        // a DNS-rebinding page reaches 127.0.0.1 under its own name; java.net.http will not send a foreign Host, so a socket does
        assertThat(rawStatus("evil.example")).isEqualTo(421);
        assertThat(rawStatus("evil.example:" + server.port())).isEqualTo(421);
        assertThat(rawStatus(null)).isEqualTo(421);
        assertThat(rawStatus("localhost:" + server.port())).isEqualTo(200);
        assertThat(rawStatus("127.0.0.1:" + server.port())).isEqualTo(200);
        assertThat(rawStatus("[::1]:" + server.port())).isEqualTo(200);
    }

    private static int rawStatus(String host) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5_000);
            String request = "GET /api/items/x HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n") + "Connection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    @Test
    void failuresAre500sThatSayNothingAboutTheCause() throws Exception {
        HttpResponse<String> response = get("/api/boom");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).doesNotContain("hunter2").doesNotContain("IllegalStateException").doesNotContain("at dev.");
        assertThat(JSON.readTree(response.body()).get("status").asInt()).isEqualTo(500);
    }

    @Test
    void staticFilesHaveTypesEtagsAndNoWayOut() throws Exception {
        HttpResponse<String> index = get("/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("hello");
        assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(index.headers().firstValue("Content-Security-Policy")).isPresent();
        assertThat(index.headers().firstValue("Cache-Control")).hasValue(StaticFiles.REVALIDATE);
        String etag = index.headers().firstValue("ETag").orElseThrow();
        assertThat(get("/", "If-None-Match", etag).statusCode()).isEqualTo(304);

        assertThat(get("/sub/style.css").headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        assertThat(get("/app.js").headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(get("/sub").statusCode()).isEqualTo(404); // a folder is not a file
        assertThat(get("/missing.js").statusCode()).isEqualTo(404);
        assertThat(get("/sub/%2E%2E/index.html").statusCode()).isEqualTo(404);
        assertThat(get("/..%2F..%2Fdev/pgvigil/common/http/HttpApiServerTest.class").statusCode()).isEqualTo(404);
        assertThat(get("/logback-test.xml").statusCode()).isEqualTo(404);

        HttpResponse<Void> head = CLIENT.send(HttpRequest.newBuilder(server.baseUri().resolve("/app.js"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
    }

    @Test
    void largeTextIsGzippedWhenTheClientAsks() throws Exception {
        HttpResponse<byte[]> response = CLIENT.send(HttpRequest.newBuilder(server.baseUri().resolve("/api/big"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
        String body = new String(new GZIPInputStream(new ByteArrayInputStream(response.body())).readAllBytes(), StandardCharsets.UTF_8);
        assertThat(JSON.readTree(body)).hasSize(500);
        assertThat(response.body().length).isLessThan(body.length() / 4);

        assertThat(get("/api/big").headers().firstValue("Content-Encoding")).isEmpty();
    }

    @Test
    void timesEveryRequestByRouteAndStatus() throws Exception {
        get("/api/items/timed");
        get("/api/items/timed?limit=x");
        assertThat(meters.get("pgvigil.http.requests").tags("route", "/api/items/{id}", "status", "200").timer().count())
                .isGreaterThanOrEqualTo(1);
        assertThat(meters.get("pgvigil.http.requests").tags("route", "/api/items/{id}", "status", "400").timer().count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void withoutAConfiguredTokenChangesAreForbidden() throws Exception {
        try (HttpApiServer open = HttpApiServer.start(HttpSettings.loopback(0),
                new Router().post("/x", req -> Response.json(Map.of())), BearerToken.none(), null)) {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(open.baseUri().resolve("/x"))
                    .header("Authorization", "Bearer anything").POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.body()).contains("http.tokenFile");
        }
    }

    @Test
    void routesAreListedAndDuplicatesRefused() {
        Router router = new Router().get("/a/{x}", req -> null).post("/a/{x}", req -> null);
        assertThat(router.routes()).extracting(Router.Route::method).containsExactly("GET", "POST");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> router.get("/a/{x}", req -> null))
                .hasMessageContaining("defined twice");
    }
}

package dev.pgvigil.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvigil.embedded.Folders;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.function.BooleanSupplier;

/**
 * The system's Chromium in headless mode, driven over the DevTools protocol with the JDK's WebSocket
 * client (nothing downloaded). Collects what a person would see in the console as errors: uncaught
 * exceptions, console.error calls and the browser's own error log (failed loads, CSP violations).
 */
final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path userDataDir;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> consoleErrors = new CopyOnWriteArrayList<>();

    private HeadlessChromium(Process process, Path userDataDir, WebSocket socket) {
        this.process = process;
        this.userDataDir = userDataDir;
        this.socket = socket;
    }

    /** The Chromium binary on this machine, if any. */
    static Optional<Path> find() {
        return Stream.of("chromium", "chromium-browser", "google-chrome")
                .flatMap(name -> Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator))
                        .map(dir -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .findFirst();
    }

    static HeadlessChromium start(Path binary, int width, int height) throws Exception {
        Path userDataDir = Files.createTempDirectory("pgvigil-chromium");
        Process process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--mute-audio", "--remote-allow-origins=*", "--remote-debugging-port=0",
                "--user-data-dir=" + userDataDir, "--window-size=" + width + "," + height, "about:blank")
                .redirectErrorStream(true)
                .redirectOutput(userDataDir.resolve("chromium.log").toFile())
                .start();
        try {
            Path portFile = userDataDir.resolve("DevToolsActivePort");
            waitFor(() -> Files.exists(portFile) && size(portFile) > 0 || !process.isAlive(), Duration.ofSeconds(30));
            if (!process.isAlive()) {
                throw new IllegalStateException("chromium exited: " + Files.readString(userDataDir.resolve("chromium.log")));
            }
            int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
            HttpClient http = HttpClient.newHttpClient();
            JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String pageUrl = null;
            for (JsonNode target : targets) {
                if ("page".equals(target.path("type").asText())) {
                    pageUrl = target.get("webSocketDebuggerUrl").asText();
                }
            }
            if (pageUrl == null) {
                throw new IllegalStateException("chromium has no page target: " + targets);
            }
            Listener listener = new Listener();
            WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageUrl), listener).get(10, TimeUnit.SECONDS);
            HeadlessChromium chromium = new HeadlessChromium(process, userDataDir, socket);
            listener.owner = chromium;
            chromium.call("Runtime.enable", Map.of());
            chromium.call("Log.enable", Map.of());
            chromium.call("Page.enable", Map.of());
            // a headless window never has the focus, and the clipboard is only for the focused page
            chromium.call("Emulation.setFocusEmulationEnabled", Map.of("enabled", true));
            chromium.call("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
            return chromium;
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** Errors the console showed since the last {@link #clearConsoleErrors()}. */
    List<String> consoleErrors() {
        return List.copyOf(consoleErrors);
    }

    void clearConsoleErrors() {
        consoleErrors.clear();
    }

    /** Opens {@code url} and waits until the page says it has drawn its data ({@code window.pgvigil.ready}). */
    void open(String url) throws Exception {
        // the previous page's flag must not pass for the new one's
        eval("if (window.pgvigil) window.pgvigil.ready = false; true");
        call("Page.navigate", Map.of("url", url));
        waitUntil("window.pgvigil !== undefined && window.pgvigil.ready === true", Duration.ofSeconds(30));
    }

    /** Evaluates a JavaScript expression in the page (promises awaited) and returns its value as JSON. */
    JsonNode eval(String expression) throws Exception {
        JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("page threw: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    void waitUntil(String condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!eval("Boolean(" + condition + ")").asBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("page never got to: " + condition + "; console errors: " + consoleErrors);
            }
            Thread.sleep(100);
        }
    }

    /** A PNG of the whole page (not just the window), saved to {@code file}. */
    void screenshot(Path file) throws Exception {
        JsonNode size = eval("({w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight})");
        JsonNode shot = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", size.get("w").asInt(), "height", size.get("h").asInt(), "scale", 1)));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
    }

    /** Lets the page use the clipboard as if a person had allowed it. */
    void grantClipboard(String origin) throws Exception {
        call("Browser.grantPermissions", Map.of("origin", origin, "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
    }

    JsonNode call(String method, Map<String, ?> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        socket.sendText(JSON.writeValueAsString(message), true).get(10, TimeUnit.SECONDS);
        JsonNode response = answer.get(60, TimeUnit.SECONDS);
        if (response.has("error")) {
            throw new IllegalStateException(method + " failed: " + response.get("error"));
        }
        return response.path("result");
    }

    private void onMessage(JsonNode message) {
        if (message.has("id")) {
            CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
            if (answer != null) {
                answer.complete(message);
            }
            return;
        }
        JsonNode params = message.path("params");
        switch (message.path("method").asText()) {
            case "Runtime.exceptionThrown" -> consoleErrors.add("exception: " + params.path("exceptionDetails").path("exception")
                    .path("description").asText(params.path("exceptionDetails").path("text").asText()));
            case "Runtime.consoleAPICalled" -> {
                if (params.path("type").asText().equals("error") || params.path("type").asText().equals("assert")) {
                    consoleErrors.add("console." + params.path("type").asText() + ": " + params.path("args"));
                }
            }
            case "Log.entryAdded" -> {
                if (params.path("entry").path("level").asText().equals("error")) {
                    consoleErrors.add("log: " + params.path("entry").path("text").asText() + " " + params.path("entry").path("url").asText());
                }
            }
            default -> { }
        }
    }

    @Override
    public void close() throws IOException {
        socket.abort();
        // the renderer, GPU and network-service children outlive the browser process for a moment and keep
        // writing into the profile folder, so wait for them all before deleting it
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            for (ProcessHandle child : children) {
                child.destroy();
                child.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            children.forEach(ProcessHandle::destroyForcibly);
        }
        Folders.deleteQuietly(userDataDir);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void waitFor(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout);
            }
            Thread.sleep(50);
        }
    }

    /** Reassembles frames into messages and hands them to the owner. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final List<JsonNode> early = new ArrayList<>();
        volatile HeadlessChromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(text.toString());
                    if (owner == null) {
                        early.add(message);
                    } else {
                        early.forEach(owner::onMessage);
                        early.clear();
                        owner.onMessage(message);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("chromium sent something that is not JSON", e);
                } finally {
                    text.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}

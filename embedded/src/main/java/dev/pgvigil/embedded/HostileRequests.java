package dev.pgvigil.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests a hostile client sends to an HTTP API, written to a raw socket (an HTTP client library would
 * refuse or clean up most of them): path traversal, plain and percent-encoded, on static files and API
 * paths; a 1 MB header; a body announced far over any limit of which only the start is sent; malformed
 * JSON; a wrong content type; absurd query parameters. A test asserts each is answered with a 4xx and that
 * the server still answers afterwards.
 *
 * @param address where the server listens (plain HTTP)
 * @param host the {@code Host} header to send, one the server answers to
 * @param token the bearer token for state-changing requests (they must fail on their content, not on the token)
 */
public record HostileRequests(InetSocketAddress address, String host, String token) {

    /**
     * A probe's name and the status line's code, or -1 when the server closed the connection without answering.
     *
     * @param mayDrop whether closing without an answer is a fair refusal: the JDK's HTTP server drops a request
     *     whose headers are over its limits ({@code sun.net.httpserver.maxReqHeaderSize}, {@code maxReqHeaders})
     *     before any handler could answer
     */
    public record Answer(String probe, int status, boolean mayDrop) {
        Answer(String probe, int status) {
            this(probe, status, false);
        }

        /** A 4xx, or a drop where that is fair. */
        public boolean refused() {
            return status >= 400 && status < 500 || mayDrop && status == -1;
        }
    }

    /**
     * Throws every probe at the server.
     *
     * @param staticDir a folder of static files under which traversal is tried, e.g. {@code /vendor/uplot}
     * @param apiGet a GET API path, e.g. {@code /api/fleet}
     * @param apiPost a POST API path that takes a JSON body
     * @param absurdQuery a GET API path with absurd values for parameters it knows, e.g. {@code /api/x?limit=-1e999}
     */
    public List<Answer> throwAll(String staticDir, String apiGet, String apiPost, String absurdQuery) {
        List<Answer> answers = new ArrayList<>();
        for (String path : List.of("/../../etc/passwd", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/..%2f..%2fetc%2fpasswd",
                staticDir + "/../../../../etc/passwd", staticDir + "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", staticDir + "/..%5c..%5cetc%5cpasswd",
                apiGet + "/../../../etc/passwd", apiGet + "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/api/%00/%2e%2e")) {
            answers.add(new Answer("traversal " + path, send(request("GET", path, "", null, ""))));
        }
        answers.add(new Answer("1 MB header", send(request("GET", apiGet, "X-Junk: " + "a".repeat(1 << 20) + "\r\n", null, "")), true));
        answers.add(new Answer("10,000 headers", send(request("GET", apiGet, "X-Junk: a\r\n".repeat(10_000), null, "")), true));
        answers.add(new Answer("body of 100 MB announced, 64 KiB sent", sendStartOfHugeBody(apiPost)));
        answers.add(new Answer("malformed JSON", send(request("POST", apiPost, "", "application/json", "{\"matchers\": [{\"name\": "))));
        answers.add(new Answer("JSON nested 100,000 deep", send(request("POST", apiPost, "", "application/json", "[".repeat(100_000)))));
        answers.add(new Answer("wrong content type", send(request("POST", apiPost, "", "text/plain", "{}"))));
        answers.add(new Answer("absurd query " + absurdQuery, send(request("GET", absurdQuery, "", null, ""))));
        answers.add(new Answer("100 KB query", send(request("GET", apiGet + "?" + "x=1&".repeat(25_000), "", null, ""))));
        return answers;
    }

    /** The status of a plain GET, e.g. {@code /health} after the probes. */
    public int get(String path) {
        return send(request("GET", path, "", null, ""));
    }

    private byte[] request(String method, String path, String extraHeaders, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(host)
                .append("\r\nConnection: close\r\n").append(extraHeaders);
        if (!method.equals("GET")) {
            head.append("Authorization: Bearer ").append(token).append("\r\nContent-Length: ").append(bytes.length).append("\r\n");
            if (contentType != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(bytes);
        return out.toByteArray();
    }

    private int send(byte[] request) {
        try (Socket socket = new Socket()) {
            socket.connect(address, 5_000);
            socket.setSoTimeout(15_000);
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // the server may answer and close before reading all of a huge request: read what it said
            }
            return status(socket.getInputStream());
        } catch (IOException e) {
            return -1;
        }
    }

    /** Announces 100 MB, sends 64 KiB and waits: the answer must come without the rest (a server reading it all would wait forever). */
    private int sendStartOfHugeBody(String path) {
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nContent-Length: " + 100_000_000 + "\r\n\r\n";
        try (Socket socket = new Socket()) {
            socket.connect(address, 5_000);
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[64 * 1024]);
            out.flush();
            return status(socket.getInputStream());
        } catch (SocketTimeoutException e) {
            return -2; // no answer while the rest of the body was awaited
        } catch (IOException e) {
            return -1;
        }
    }

    private static int status(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n' && line.length() < 200) {
            line.append((char) c);
        }
        String[] parts = line.toString().split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            return -1;
        }
        return Integer.parseInt(parts[1]);
    }
}

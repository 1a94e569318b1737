package dev.pgvigil.alerter.channel;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** POSTs a JSON body and insists on a 2xx answer; shared by the webhook and Slack channels. */
final class JsonPost {
    private static final int ERROR_BODY_CHARS = 200;
    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /** Errors name the channel and the HTTP status, never the URL (it may carry a token). */
    void post(String channel, URI uri, byte[] body, Map<String, String> headers, Duration timeout)
            throws IOException, InterruptedException, DeliveryException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "pgvigil-alerter")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException(channel + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            String answer = response.body() == null ? "" : response.body().strip();
            if (answer.length() > ERROR_BODY_CHARS) {
                answer = answer.substring(0, ERROR_BODY_CHARS) + "…";
            }
            throw new DeliveryException(channel + ": HTTP " + status + (answer.isEmpty() ? "" : ": " + answer));
        }
    }
}

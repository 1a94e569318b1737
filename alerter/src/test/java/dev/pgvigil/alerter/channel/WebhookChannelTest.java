package dev.pgvigil.alerter.channel;

import static dev.pgvigil.alerter.support.Alerts.T0;
import static dev.pgvigil.alerter.support.Alerts.firing;
import static dev.pgvigil.alerter.support.Alerts.notified;
import static dev.pgvigil.alerter.support.Alerts.resolved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgvigil.alerter.config.AlerterConfig;
import dev.pgvigil.alerter.model.AlertNotice;
import dev.pgvigil.alerter.model.Change;
import dev.pgvigil.alerter.model.Notification;
import dev.pgvigil.alerter.support.Receiver;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.schema.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookChannelTest {
    private final Receiver receiver = new Receiver();

    @AfterEach
    void stop() {
        receiver.close();
    }

    private Map<String, Channel> channels(Path dir) throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "correct horse battery staple\n");
        Path slackUrl = dir.resolve("slack-url");
        Files.writeString(slackUrl, receiver.url() + "/slack?token=T0PSECRET");
        return Channels.from(ConfigFile.parse("p.yaml", """
                alerter:
                  webhooks: [{name: ops, url: "%s", secretFile: %s}]
                  slack: [{name: chat, urlFile: %s}]
                """.formatted(receiver.url(), secret, slackUrl)).section("alerter", AlerterConfig.class));
    }

    private static Notification notification(String channel) {
        return new Notification(channel, "db-1", T0.plusSeconds(720), List.of(
                new AlertNotice(firing("cache_hit_ratio", "db-1", Severity.CRITICAL), Change.NEW),
                new AlertNotice(resolved(notified(firing("dead_rows", "db-1", Severity.WARNING), T0), T0.plusSeconds(600)), Change.RESOLVED)));
    }

    @Test
    void theReceiverCanVerifyTheSignatureAndDropRepeatsByKey(@TempDir Path dir) throws Exception {
        Notification n = notification("ops");
        channels(dir).get("ops").send(n);
        Receiver.Request request = receiver.await(1, java.time.Duration.ofSeconds(5)).get(0);

        assertThat(Signatures.verify("correct horse battery staple", request.body(), request.header("X-Pgvigil-Signature"))).isTrue();
        assertThat(Signatures.verify("another secret", request.body(), request.header("X-Pgvigil-Signature"))).isFalse();
        assertThat(request.header("X-Pgvigil-Signature")).matches("sha256=[0-9a-f]{64}");
        assertThat(request.header("Idempotency-Key")).isEqualTo(n.idempotencyKey());

        JsonNode body = request.json();
        assertThat(body.get("idempotencyKey").asText()).isEqualTo(n.idempotencyKey());
        assertThat(body.get("instance").asText()).isEqualTo("db-1");
        assertThat(body.get("status").asText()).isEqualTo("firing");
        assertThat(body.get("alerts")).hasSize(2);
        JsonNode first = body.get("alerts").get(0);
        assertThat(first.get("rule").asText()).isEqualTo("cache_hit_ratio");
        assertThat(first.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(first.get("change").asText()).isEqualTo("new");
        assertThat(first.get("idempotencyKey").asText()).endsWith(":FIRING:" + T0.toEpochMilli() + ":1");
        assertThat(first.get("advice").asText()).contains("shared_buffers");
        assertThat(body.get("alerts").get(1).get("status").asText()).isEqualTo("resolved");
        assertThat(body.get("alerts").get(1).get("advice").asText()).as("each alert its own rule's advice").contains("VACUUM");
    }

    @Test
    void slackGetsTextAndBlocksWithTheFiveAnswers(@TempDir Path dir) throws Exception {
        channels(dir).get("chat").send(notification("chat"));
        Receiver.Request request = receiver.await(1, java.time.Duration.ofSeconds(5)).get(0);
        JsonNode body = request.json();
        assertThat(body.get("text").asText()).startsWith("[pgvigil] CRITICAL db-1:");
        assertThat(body.get("blocks").get(0).get("type").asText()).isEqualTo("header");
        String section = body.get("blocks").get(1).get("text").get("text").asText();
        assertThat(section).contains("*What:*", "*Where:* instance db-1", "*How bad:* CRITICAL", "*Since:*", "*What to do:*");
        assertThat(body.get("blocks").get(3).get("type").asText()).isEqualTo("context");
    }

    @Test
    void aFailedAnswerIsAnErrorThatNamesTheStatusButNotTheUrl(@TempDir Path dir) throws Exception {
        receiver.failing(-1);
        assertThatThrownBy(() -> channels(dir).get("chat").send(notification("chat")))
                .isInstanceOf(DeliveryException.class)
                .hasMessage("chat: HTTP 503: receiver unavailable")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("T0PSECRET"));
    }
}

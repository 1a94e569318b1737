package dev.pgvigil.alerter.notify;

import static dev.pgvigil.alerter.support.Alerts.T0;
import static dev.pgvigil.alerter.support.Alerts.firing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.alerter.channel.Channel;
import dev.pgvigil.alerter.channel.Channels;
import dev.pgvigil.alerter.config.AlerterConfig;
import dev.pgvigil.alerter.model.AlertNotice;
import dev.pgvigil.alerter.model.Change;
import dev.pgvigil.alerter.model.Notification;
import dev.pgvigil.alerter.support.Receiver;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.schema.Severity;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DelivererTest {
    private record DeadLetter(Notification notification, int attempts, String error) {}

    private final Receiver receiver = new Receiver();
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private final Deliverer deliverer;

    DelivererTest() {
        Map<String, Channel> channels = Channels.from(ConfigFile.parse("p.yaml", """
                alerter:
                  webhooks: [{name: ops, url: "%s"}]
                """.formatted(receiver.url())).section("alerter", AlerterConfig.class));
        deliverer = new Deliverer(channels, new RetryPolicy(5, Duration.ofMillis(20), Duration.ofMillis(100)),
                (n, attempts, error, first, failed) -> deadLetters.add(new DeadLetter(n, attempts, error)), Clock.systemUTC(), 2);
    }

    @AfterEach
    void stop() {
        deliverer.close();
        receiver.close();
    }

    private static Notification notification() {
        return new Notification("ops", "db-1", T0, List.of(new AlertNotice(firing("dead_rows", "db-1", Severity.WARNING), Change.NEW)));
    }

    @Test
    void aReceiverThatFailsThreeTimesGetsItOnceOnTheFourthAttempt() throws Exception {
        receiver.failing(3);
        Deliverer.Outcome outcome = deliverer.deliver(notification()).get(10, TimeUnit.SECONDS);
        assertThat(outcome.delivered()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(4);
        assertThat(receiver.requests()).extracting(Receiver.Request::answeredWith).containsExactly(503, 503, 503, 200);
        assertThat(receiver.requests()).extracting(r -> r.header("Idempotency-Key")).containsOnly(notification().idempotencyKey());
        receiver.assertNoMoreThan(4, Duration.ofMillis(300));
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void aReceiverThatAlwaysFailsEndsAsADeadLetterWithTheError() throws Exception {
        receiver.failing(-1);
        Deliverer.Outcome outcome = deliverer.deliver(notification()).get(10, TimeUnit.SECONDS);
        assertThat(outcome.delivered()).isFalse();
        assertThat(receiver.requests()).hasSize(5);
        assertThat(deadLetters).singleElement().satisfies(d -> {
            assertThat(d.attempts()).isEqualTo(5);
            assertThat(d.error()).isEqualTo("ops: HTTP 503: receiver unavailable");
            assertThat(d.notification().idempotencyKey()).isEqualTo(notification().idempotencyKey());
        });
    }
}

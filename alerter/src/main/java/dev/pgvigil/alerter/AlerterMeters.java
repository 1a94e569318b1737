package dev.pgvigil.alerter;

import dev.pgvigil.alerter.notify.Deliverer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The alerter's own meters, next to the JVM and Kafka client ones of its {@code ServiceMeters}:
 * violations read (by what became of them), and deliveries (by channel and outcome, with failed attempts).
 */
final class AlerterMeters {
    private final MeterRegistry registry;

    AlerterMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** {@code outcome}: changed (an alert changed), unchanged (stale or a replay), dead_letter (unreadable). */
    void violation(String outcome) {
        Counter.builder("pgvigil.alerter.violations").description("Violations read, by what became of them")
                .tag("outcome", outcome).register(registry).increment();
    }

    void delivery(Deliverer.Outcome outcome) {
        String channel = outcome.notification().channel();
        Counter.builder("pgvigil.alerter.deliveries").description("Notifications delivered, or given up on to the dead-letter topic")
                .tags("channel", channel, "outcome", outcome.delivered() ? "delivered" : "dead_letter")
                .register(registry).increment();
        int failed = outcome.delivered() ? outcome.attempts() - 1 : outcome.attempts();
        if (failed > 0) {
            Counter.builder("pgvigil.alerter.delivery.failures").description("Delivery attempts that failed, by channel")
                    .tag("channel", channel).register(registry).increment(failed);
        }
    }
}

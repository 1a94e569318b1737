package dev.pgvigil.alerter.notify;

import dev.pgvigil.alerter.config.RetryConfig;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: after the n-th failed attempt wait {@code initialBackoff * 2^(n-1)},
 * capped at {@code maxBackoff}, less a random part of up to half of it ("equal jitter": never zero,
 * never in step with another alerter retrying the same receiver).
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public static RetryPolicy from(RetryConfig config) {
        return new RetryPolicy(config.maxAttempts(), config.initialBackoff(), config.maxBackoff());
    }

    /** The wait after {@code failures} failed attempts (1 after the first); {@code random} gives 0..1. */
    public Duration backoff(int failures, DoubleSupplier random) {
        double base = initialBackoff.toMillis() * Math.pow(2, Math.max(0, failures - 1));
        double capped = Math.min(base, maxBackoff.toMillis());
        double jittered = capped * (1 - 0.5 * random.getAsDouble());
        return Duration.ofMillis(Math.round(jittered));
    }
}

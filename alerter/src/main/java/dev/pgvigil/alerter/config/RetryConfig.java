package dev.pgvigil.alerter.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;

/**
 * How hard a channel is tried before its notification goes to the dead-letter topic: {@code maxAttempts}
 * attempts in all, waiting {@code initialBackoff}, then twice as long each time up to {@code maxBackoff},
 * each wait shortened by a random part of up to half (jitter) so many alerters do not retry in step.
 */
public record RetryConfig(
        Integer maxAttempts,
        @JsonDeserialize(using = DurationText.Deserializer.class) Duration initialBackoff,
        @JsonDeserialize(using = DurationText.Deserializer.class) Duration maxBackoff) {

    public static final RetryConfig DEFAULT = new RetryConfig(null, null, null);

    public RetryConfig {
        maxAttempts = maxAttempts == null ? 8 : maxAttempts;
        initialBackoff = initialBackoff == null ? Duration.ofSeconds(1) : initialBackoff;
        maxBackoff = maxBackoff == null ? Duration.ofMinutes(1) : maxBackoff;
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoffs must be 0 or more, and maxBackoff at least initialBackoff");
        }
    }
}

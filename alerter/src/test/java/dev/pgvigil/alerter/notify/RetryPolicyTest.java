package dev.pgvigil.alerter.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(8, Duration.ofSeconds(1), Duration.ofSeconds(60));

    @Test
    void backoffDoublesUpToTheCap() {
        assertThat(policy.backoff(1, () -> 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(2, () -> 0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.backoff(4, () -> 0)).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.backoff(7, () -> 0)).isEqualTo(Duration.ofSeconds(60));
        assertThat(policy.backoff(30, () -> 0)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void jitterTakesOffUpToHalfAndSpreadsTheWaits() {
        assertThat(policy.backoff(3, () -> 1)).isEqualTo(Duration.ofSeconds(2));
        Random random = new Random(7);
        long distinct = java.util.stream.IntStream.range(0, 50)
                .mapToObj(i -> policy.backoff(3, random::nextDouble))
                .peek(d -> assertThat(d).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4)))
                .distinct().count();
        assertThat(distinct).isGreaterThan(10);
    }
}

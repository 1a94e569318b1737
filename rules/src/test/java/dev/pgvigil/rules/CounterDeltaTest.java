package dev.pgvigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CounterDeltaTest {
    @Test
    void forwardCounterGivesItsDelta() {
        assertThat(CounterDelta.of(100, 250).getAsLong()).isEqualTo(150);
        assertThat(CounterDelta.of(100, 100).getAsLong()).isZero();
        assertThat(CounterDelta.of(1.5, 4.0).getAsDouble()).isEqualTo(2.5);
    }

    @Test
    void backwardCounterIsANewSeriesNotANegative() {
        assertThat(CounterDelta.of(100, 3)).isEmpty();
        assertThat(CounterDelta.of(1000.0, 2.0)).isEmpty();
        assertThat(CounterDelta.wentBackwards(new long[] {5, 10}, new long[] {6, 9})).isTrue();
        assertThat(CounterDelta.wentBackwards(new long[] {5, 10}, new long[] {5, 10})).isFalse();
    }

    @Test
    void floatingPointJitterIsNoMovement() {
        assertThat(CounterDelta.of(1e9, 1e9 - 1e-4).getAsDouble()).isZero();
    }

    @Test
    void markerChangeStartsANewSeries() {
        Instant a = Instant.parse("2025-01-01T00:00:00Z");
        Instant b = Instant.parse("2025-02-01T00:00:00Z");
        assertThat(CounterDelta.newSeries(a, a)).isFalse();
        assertThat(CounterDelta.newSeries(a, b)).isTrue();
        assertThat(CounterDelta.newSeries(null, b)).isTrue();
        assertThat(CounterDelta.newSeries(a, null)).isFalse();
        assertThat(CounterDelta.newSeries(null, null)).isFalse();
    }

    @Test
    void rateOfAnEmptyIntervalIsZero() {
        assertThat(CounterDelta.rate(100, 10)).isEqualTo(10);
        assertThat(CounterDelta.rate(100, 0)).isZero();
    }
}

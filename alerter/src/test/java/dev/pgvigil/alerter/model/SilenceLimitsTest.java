package dev.pgvigil.alerter.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvigil.alerter.config.DurationText;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a hostile or careless silence request cannot do: mute for ever, or stall matching. */
class SilenceLimitsTest {
    private static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");
    private static final List<LabelMatcher> BY_INSTANCE = List.of(LabelMatcher.exact("instance", "db-1"));

    @Test
    void aSilenceLastsAndStartsWithinAYear() {
        assertThat(Silence.create(BY_INSTANCE, null, NOW.plus(Silence.MAX_LENGTH), "ana", "", NOW).endsAt())
                .isEqualTo(NOW.plus(Silence.MAX_LENGTH));
        assertThatThrownBy(() -> Silence.create(BY_INSTANCE, null, NOW.plus(Silence.MAX_LENGTH).plusSeconds(1), "ana", "", NOW))
                .hasMessageContaining("last at most 366 days");
        Instant farStart = NOW.plus(Silence.MAX_LENGTH).plusSeconds(1);
        assertThatThrownBy(() -> Silence.create(BY_INSTANCE, farStart, farStart.plusSeconds(60), "ana", "", NOW))
                .hasMessageContaining("start at most 366 days ahead");
    }

    @Test
    void anAbsurdDurationIsRefusedNotOverflowed() {
        // the probe's "99999999999h" parsed, and became a silence of eleven million years
        Duration absurd = DurationText.parse("99999999999h");
        assertThatThrownBy(() -> Silence.create(BY_INSTANCE, null, NOW.plus(absurd), "ana", "", NOW)).hasMessageContaining("at most 366 days");
        assertThatThrownBy(() -> DurationText.parse("9999999999999999999d")).hasMessageContaining("too long a duration");
        assertThatThrownBy(() -> DurationText.parse("99999999999999999999h")).hasMessageContaining("too long a duration");
    }

    @Test
    void regexMatchingIsLinearAndBacktrackingSyntaxIsRefused() {
        // (a+)+$ against a long run of a's ending in b takes exponential time with a backtracking engine:
        // with java.util.regex this test would not finish
        LabelMatcher catastrophic = LabelMatcher.regex("object", "(a+)+$");
        assertThat(catastrophic.matches(Map.of("object", "a".repeat(50_000) + "b"))).isFalse();
        assertThat(catastrophic.matches(Map.of("object", "aaaa"))).isTrue();
        assertThatThrownBy(() -> LabelMatcher.regex("object", "(a)\\1")).hasMessageContaining("not a valid regular expression (RE2 syntax)");
        assertThatThrownBy(() -> LabelMatcher.regex("object", "a(?=b)")).hasMessageContaining("not a valid regular expression");
    }
}

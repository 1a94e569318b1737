package dev.pgvigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.rules.Condition.Event;
import dev.pgvigil.rules.Condition.Step;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConditionTest {
    private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
    private final Threshold t = Rule.DEAD_ROWS.defaults();

    private static Decision at(Severity s) {
        return new Decision(Rule.DEAD_ROWS, s, 0.5, 0.1, true, "m");
    }

    private static final Decision OK = new Decision(Rule.DEAD_ROWS, null, 0.01, 0.1, true, "m");

    @Test
    void firesOnlyAfterHoldingForTheForDuration() {
        Step s1 = Condition.step(null, at(Severity.WARNING), 3, T0);
        assertThat(s1.event()).isEqualTo(Event.NONE);
        Step s2 = Condition.step(s1.next(), at(Severity.WARNING), 3, T0.plusSeconds(10));
        assertThat(s2.event()).isEqualTo(Event.NONE);
        Step s3 = Condition.step(s2.next(), at(Severity.WARNING), 3, T0.plusSeconds(20));
        assertThat(s3.event()).isEqualTo(Event.FIRING);
        assertThat(s3.severity()).isEqualTo(Severity.WARNING);
        assertThat(s3.next().since()).isEqualTo(T0); // when the condition began, not when it fired
        Step s4 = Condition.step(s3.next(), at(Severity.WARNING), 3, T0.plusSeconds(30));
        assertThat(s4.event()).isEqualTo(Event.NONE); // no repeat while unchanged
    }

    @Test
    void pendingConditionThatClearsIsForgottenSilently() {
        Step s1 = Condition.step(null, at(Severity.CRITICAL), 2, T0);
        Step s2 = Condition.step(s1.next(), OK, 2, T0.plusSeconds(10));
        assertThat(s2.event()).isEqualTo(Event.NONE);
        assertThat(s2.next()).isNull();
        // and the count starts again
        Step s3 = Condition.step(s2.next(), at(Severity.CRITICAL), 2, T0.plusSeconds(20));
        assertThat(s3.event()).isEqualTo(Event.NONE);
    }

    @Test
    void severityChangeFiresAgainAtOnce() {
        Step fired = Condition.step(null, at(Severity.WARNING), 1, T0);
        assertThat(fired.event()).isEqualTo(Event.FIRING);
        Step up = Condition.step(fired.next(), at(Severity.CRITICAL), 1, T0.plusSeconds(10));
        assertThat(up.event()).isEqualTo(Event.FIRING);
        assertThat(up.severity()).isEqualTo(Severity.CRITICAL);
        Step down = Condition.step(up.next(), at(Severity.WARNING), 1, T0.plusSeconds(20));
        assertThat(down.event()).isEqualTo(Event.FIRING);
        assertThat(down.severity()).isEqualTo(Severity.WARNING);
    }

    @Test
    void resolvesExactlyOnce() {
        Step fired = Condition.step(null, at(Severity.CRITICAL), 1, T0);
        Step resolved = Condition.step(fired.next(), OK, 1, T0.plusSeconds(10));
        assertThat(resolved.event()).isEqualTo(Event.RESOLVED);
        assertThat(resolved.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(resolved.next()).isNull();
        assertThat(resolved.since()).isEqualTo(T0);
        Step again = Condition.step(resolved.next(), OK, 1, T0.plusSeconds(20));
        assertThat(again.event()).isEqualTo(Event.NONE);
    }

    @Test
    void noEvidenceCountsAsClear() {
        Step fired = Condition.step(null, at(Severity.WARNING), 1, T0);
        Step quiet = Condition.step(fired.next(), Decision.noEvidence(Rule.DEAD_ROWS, t, 0, "x", "idle"), 1, T0.plusSeconds(10));
        assertThat(quiet.event()).isEqualTo(Event.RESOLVED);
    }
}

package dev.pgvigil.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.drill.TopicRecorder.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which undelivered transitions count as superseded, on the sequences the drill runs of 2026-12-07 showed. */
class DrillReportTest {
    private static final Duration LOOK_EVERY = Duration.ofSeconds(2);

    private static Transition t(String instance, String state, String startsAt, String arrived) {
        Instant start = Instant.parse("2026-12-07T" + startsAt + "Z");
        Instant at = Instant.parse("2026-12-07T" + arrived + "Z");
        return new Transition("dead_rows|" + instance + "|public.work", "dead_rows", instance, state, start, at, at);
    }

    private static Map<String, String> superseded(List<Transition> ts, Set<Transition> heard, List<DrillReport.Outage> outages) {
        return DrillReport.supersededTransitions(ts, k -> heard.stream().anyMatch(h -> h.key().equals(k)), LOOK_EVERY, outages);
    }

    @Test
    void aResolutionAndAFiringAgainWithinOneGroupIntervalCancelOut() {
        // c-01 of the second run: announced firing, resolved and firing again 1.5 s apart, the new episode's end announced
        Transition fired = t("c-01", "FIRING", "01:28:55.392", "01:28:56.000");
        Transition resolved = t("c-01", "RESOLVED", "01:28:55.392", "01:29:29.516");
        Transition again = t("c-01", "FIRING", "01:29:30.389", "01:29:31.036");
        Transition end = t("c-01", "RESOLVED", "01:29:30.389", "01:30:10.500");
        Map<String, String> s = superseded(List.of(fired, resolved, again, end), Set.of(fired, end), List.of());
        assertThat(s).containsOnlyKeys(resolved.key(), again.key());
    }

    @Test
    void aPairThatDoesNotRestoreWhatTheReceiverWasToldIsLost() {
        // the receiver was last told RESOLVED and never heard of the firing after it (lost): a resolution and a firing
        // again soon after put the alert back to FIRING, which the receiver was never told, so they cancel nothing
        Transition resolvedHeard = t("c-01", "RESOLVED", "01:28:55.392", "01:29:00.000");
        Transition firedLost = t("c-01", "FIRING", "01:29:05.000", "01:29:05.500");
        Transition resolved = t("c-01", "RESOLVED", "01:29:05.000", "01:29:20.000");
        Transition again = t("c-01", "FIRING", "01:29:20.500", "01:29:21.000");
        assertThat(superseded(List.of(resolvedHeard, firedLost, resolved, again), Set.of(resolvedHeard), List.of())).isEmpty();
        // a firing and a resolution soon after do restore it
        Transition briefly = t("c-01", "FIRING", "01:29:05.000", "01:29:05.500");
        Transition over = t("c-01", "RESOLVED", "01:29:05.000", "01:29:06.500");
        assertThat(superseded(List.of(resolvedHeard, briefly, over), Set.of(resolvedHeard), List.of())).containsOnlyKeys(briefly.key(), over.key());
    }

    @Test
    void aFiringThatLastedLongerThanAGroupIntervalIsLostEvenAroundACrash() {
        // b-04 of the first run: its resolution was held when alerter-1 was killed, it fired again while alerter-1 was
        // down, and the restarted alerter announced nothing until the new episode ended 48 s later: a notification lost
        Transition resolvedHeld = t("b-04", "RESOLVED", "01:15:32.000", "01:16:11.000");
        Transition again = t("b-04", "FIRING", "01:16:20.279", "01:16:22.636");
        Transition end = t("b-04", "RESOLVED", "01:16:20.279", "01:17:10.600");
        DrillReport.Outage down = new DrillReport.Outage(Set.of("b-04"), Instant.parse("2026-12-07T01:16:15Z"), Instant.parse("2026-12-07T01:16:26.700Z"));
        assertThat(superseded(List.of(resolvedHeld, again, end), Set.of(resolvedHeld, end), List.of(down))).isEmpty();
    }

    @Test
    void whileItsAlerterIsDownAChangeIsSupersededByTheNextOneItsSuccessorAnnounces() {
        // b-02 of the first run: resolved while alerter-1 was down, firing again 3.2 s later, before its successor's first look
        Transition fired = t("b-02", "FIRING", "01:15:35.445", "01:15:58.600");
        Transition resolved = t("b-02", "RESOLVED", "01:15:35.445", "01:16:23.284");
        Transition again = t("b-02", "FIRING", "01:16:25.400", "01:16:26.500");
        DrillReport.Outage down = new DrillReport.Outage(Set.of("b-02"), Instant.parse("2026-12-07T01:16:15Z"), Instant.parse("2026-12-07T01:16:26.700Z"));
        assertThat(superseded(List.of(fired, resolved, again), Set.of(fired, again), List.of(down))).containsOnlyKeys(resolved.key());
        // the same 3.2 s with the alerter up: it had looked in between, so the resolution was owed
        DrillReport.Outage other = new DrillReport.Outage(Set.of("b-03"), down.from(), down.to());
        assertThat(superseded(List.of(fired, resolved, again), Set.of(fired, again), List.of(other))).isEmpty();
    }

    @Test
    void aChangeTakenInJustBeforeItsAlerterWasKilledIsSupersededByTheOneItsSuccessorAnnounces() {
        // a-01 of the 02:31 run: resolved 0.5 s before alerter-1 was killed (inside its group interval, so not yet looked
        // at), firing again while it was down; the successor's first look announced the firing
        Transition fired = t("a-01", "FIRING", "02:33:43.183", "02:33:45.000");
        Transition resolved = t("a-01", "RESOLVED", "02:33:43.183", "02:34:14.501");
        Transition again = t("a-01", "FIRING", "02:34:16.000", "02:34:19.000");
        DrillReport.Outage down = new DrillReport.Outage(Set.of("a-01"), Instant.parse("2026-12-07T02:34:15Z"), Instant.parse("2026-12-07T02:34:23.000Z"));
        assertThat(superseded(List.of(fired, resolved, again), Set.of(fired, again), List.of(down))).containsOnlyKeys(resolved.key());
        // the alerter up all along: it looked 2 s later and owed the resolution
        assertThat(superseded(List.of(fired, resolved, again), Set.of(fired, again), List.of())).isEmpty();
    }
}

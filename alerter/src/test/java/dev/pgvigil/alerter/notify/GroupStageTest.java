package dev.pgvigil.alerter.notify;

import static dev.pgvigil.alerter.support.Alerts.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GroupStageTest {
    private final GroupStage groups = new GroupStage(Duration.ofSeconds(30), Duration.ofMinutes(5));

    @Test
    void aGroupWaitsGroupWaitSoAlertsFiringTogetherGoOutTogether() {
        groups.touch("db-1", T0);
        groups.touch("db-1", T0.plusSeconds(10)); // a second alert joins the waiting group
        assertThat(groups.due(T0.plusSeconds(29))).isEmpty();
        assertThat(groups.due(T0.plusSeconds(30))).containsExactly("db-1");
        assertThat(groups.next()).contains(T0.plusSeconds(30).plus(Duration.ofMinutes(5)));
    }

    @Test
    void afterItsFirstFlushAGroupIsLookedAtEveryGroupInterval() {
        groups.touch("db-1", T0);
        groups.due(T0.plusSeconds(30));
        groups.touch("db-1", T0.plusSeconds(40)); // a new alert in a formed group does not restart the wait
        assertThat(groups.due(T0.plusSeconds(40).plusSeconds(30))).isEmpty();
        assertThat(groups.due(T0.plusSeconds(330))).containsExactly("db-1");
    }

    @Test
    void groupsAreByInstanceAndDissolveWhenEmpty() {
        groups.touch("db-1", T0);
        groups.touch("db-2", T0.plusSeconds(20));
        assertThat(groups.due(T0.plusSeconds(30))).containsExactly("db-1");
        groups.remove("db-1");
        assertThat(groups.has("db-1")).isFalse();
        groups.touch("db-1", T0.plusSeconds(60));
        assertThat(groups.due(T0.plusSeconds(60))).containsExactly("db-2"); // formed at 20 s, waited 30 s
        assertThat(groups.due(T0.plusSeconds(89))).isEmpty();
        assertThat(groups.due(T0.plusSeconds(90))).containsExactly("db-1"); // formed anew at 60 s
    }
}

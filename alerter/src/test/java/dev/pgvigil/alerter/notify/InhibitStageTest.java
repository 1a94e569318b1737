package dev.pgvigil.alerter.notify;

import static dev.pgvigil.alerter.support.Alerts.T0;
import static dev.pgvigil.alerter.support.Alerts.firing;
import static dev.pgvigil.alerter.support.Alerts.resolved;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.rules.Rule;
import dev.pgvigil.schema.Severity;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InhibitStageTest {
    private final InhibitStage inhibit = new InhibitStage(Set.of(Rule.INSTANCE_DOWN.wireName()));
    private final Alert down = firing("instance_down", "db-1", Severity.CRITICAL);
    private final Alert cache = firing("cache_hit_ratio", "db-1", Severity.WARNING);
    private final Alert dead = firing("dead_rows", "db-1", Severity.WARNING);

    private List<Alert> passes(List<Alert> group) {
        return inhibit.apply(Stage.Batch.of(group), new Stage.Context("db-1", Set.of(), T0)).alerts();
    }

    @Test
    void whileTheInstanceIsDownOnlyInstanceDownPasses() {
        assertThat(passes(List.of(cache, down, dead))).containsExactly(down);
        assertThat(inhibit.inhibited(cache, List.of(cache, down))).isTrue();
        assertThat(inhibit.inhibited(down, List.of(cache, down))).isFalse();
    }

    @Test
    void whenInstanceDownResolvesTheOthersPassAgain() {
        Alert up = resolved(down, T0.plusSeconds(60));
        assertThat(passes(List.of(cache, up, dead))).containsExactly(cache, up, dead);
        assertThat(inhibit.inhibited(cache, List.of(cache, up))).isFalse();
    }

    @Test
    void withoutAnInhibitorNothingIsHeldBack() {
        assertThat(passes(List.of(cache, dead))).containsExactly(cache, dead);
    }
}

package dev.pgvigil.alerter.notify;

import static dev.pgvigil.alerter.support.Alerts.T0;
import static dev.pgvigil.alerter.support.Alerts.firing;
import static dev.pgvigil.alerter.support.Alerts.notified;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.alerter.model.LabelMatcher;
import dev.pgvigil.alerter.model.Notification;
import dev.pgvigil.alerter.model.Silence;
import dev.pgvigil.rules.Rule;
import dev.pgvigil.schema.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The chain as a list: each stage sees only what the one before it left. */
class NotificationPipelineTest {
    private final List<Silence> silences = new ArrayList<>();
    private final NotificationPipeline pipeline = new NotificationPipeline(List.of(
            new InhibitStage(Set.of(Rule.INSTANCE_DOWN.wireName())),
            new SilenceStage(now -> silences.stream().filter(s -> s.isActive(now)).toList()),
            new DedupStage(Duration.ofHours(4)),
            new RouteStage(List.of(), List.of())));
    private final Alert down = firing("instance_down", "db-1", Severity.CRITICAL);
    private final Alert cache = firing("cache_hit_ratio", "db-1", Severity.WARNING);

    @Test
    void anInhibitedAlertNeverReachesDedupOrRoute() {
        Stage.Batch plan = pipeline.plan("db-1", List.of(cache, down), Set.of(), T0.plusSeconds(30));
        assertThat(plan.notices()).extracting(n -> n.alert().rule()).containsExactly("instance_down");
        assertThat(plan.notifications()).extracting(Notification::channel).containsExactly("log");
    }

    @Test
    void whatTheSilenceDropsLeavesDedupWithoutNewsSoNothingIsSent() {
        silences.add(new Silence("s1", List.of(LabelMatcher.exact("rule", "cache_hit_ratio")), T0, T0.plusSeconds(3600), T0, "ana", "why"));
        Alert oldNews = notified(firing("dead_rows", "db-1", Severity.WARNING), T0);
        Stage.Batch plan = pipeline.plan("db-1", List.of(cache, oldNews), Set.of(), T0.plusSeconds(30));
        assertThat(plan.notices()).isEmpty();
        assertThat(plan.sendsNothing()).isTrue();
    }
}

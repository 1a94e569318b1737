package dev.pgvigil.alerter.notify;

import static dev.pgvigil.alerter.support.Alerts.T0;
import static dev.pgvigil.alerter.support.Alerts.firing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.alerter.model.LabelMatcher;
import dev.pgvigil.alerter.model.Silence;
import dev.pgvigil.schema.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SilenceStageTest {
    private final List<Silence> silences = new ArrayList<>();
    private final SilenceStage stage = new SilenceStage(now -> silences.stream().filter(s -> s.isActive(now)).toList());
    private final Alert cacheDb1 = firing("cache_hit_ratio", "db-1", Severity.WARNING);
    private final Alert deadDb1 = firing("dead_rows", "db-1", Severity.WARNING);
    private final Alert cacheProd7 = firing("cache_hit_ratio", "db-prod-7", Severity.CRITICAL);

    private Silence silence(String id, Instant start, Instant end, LabelMatcher... matchers) {
        return new Silence(id, List.of(matchers), start, end, start, "ana", "maintenance");
    }

    private List<Alert> passes(List<Alert> alerts, Instant now) {
        return stage.apply(Stage.Batch.of(alerts), new Stage.Context("db-1", Set.of(), now)).alerts();
    }

    @Test
    void anActiveSilenceDropsTheAlertsEveryMatcherMatches() {
        silences.add(silence("s1", T0, T0.plusSeconds(3600), LabelMatcher.exact("rule", "cache_hit_ratio"), LabelMatcher.exact("instance", "db-1")));
        assertThat(passes(List.of(cacheDb1, deadDb1, cacheProd7), T0.plusSeconds(10))).containsExactly(deadDb1, cacheProd7);
        assertThat(stage.silencedBy(cacheDb1, T0.plusSeconds(10))).containsExactly("s1");
    }

    @Test
    void regexMatchersMatchTheWholeValue() {
        silences.add(silence("s1", T0, T0.plusSeconds(3600), LabelMatcher.regex("instance", "db-prod-.*")));
        silences.add(silence("s2", T0, T0.plusSeconds(3600), LabelMatcher.regex("instance", "prod")));
        assertThat(passes(List.of(cacheDb1, cacheProd7), T0.plusSeconds(10))).containsExactly(cacheDb1);
        assertThat(stage.silencedBy(cacheProd7, T0.plusSeconds(10))).containsExactly("s1");
    }

    @Test
    void aSilenceCountsOnlyBetweenItsStartAndItsEnd() {
        silences.add(silence("s1", T0.plusSeconds(60), T0.plusSeconds(120), LabelMatcher.exact("instance", "db-1")));
        assertThat(passes(List.of(cacheDb1), T0)).containsExactly(cacheDb1);
        assertThat(passes(List.of(cacheDb1), T0.plusSeconds(60))).isEmpty();
        assertThat(passes(List.of(cacheDb1), T0.plusSeconds(120))).containsExactly(cacheDb1);
    }

    @Test
    void expiringEndsASilenceNowAndASilenceNeedsAMatcher() {
        Silence s = silence("s1", T0, T0.plusSeconds(3600), LabelMatcher.exact("instance", "db-1"));
        Silence expired = s.expiredAt(T0.plusSeconds(5));
        assertThat(expired.state(T0.plusSeconds(5))).isEqualTo(Silence.State.EXPIRED);
        assertThat(s.state(T0.plusSeconds(5))).isEqualTo(Silence.State.ACTIVE);
        assertThatThrownBy(() -> new Silence("x", List.of(), T0, T0.plusSeconds(1), T0, "", ""))
                .hasMessageContaining("at least one matcher");
        assertThatThrownBy(() -> LabelMatcher.regex("rule", "(")).hasMessageContaining("not a valid regular expression");
        assertThatThrownBy(() -> Silence.create(List.of(LabelMatcher.exact("rule", "x")), T0, T0, "", "", T0))
                .hasMessageContaining("end in the future");
    }
}

package dev.pgvigil.alerter.notify;

import static dev.pgvigil.alerter.support.Alerts.T0;
import static dev.pgvigil.alerter.support.Alerts.firing;
import static dev.pgvigil.alerter.support.Alerts.notified;
import static dev.pgvigil.alerter.support.Alerts.resolved;
import static dev.pgvigil.alerter.support.Alerts.withSeverity;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.alerter.model.AlertNotice;
import dev.pgvigil.alerter.model.Change;
import dev.pgvigil.schema.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DedupStageTest {
    private final DedupStage dedup = new DedupStage(Duration.ofHours(4));
    private final Instant sentAt = T0.plusSeconds(30);
    private final Alert cache = firing("cache_hit_ratio", "db-1", Severity.WARNING);

    private List<AlertNotice> notices(List<Alert> visible, Set<String> inFlight, Instant now) {
        return dedup.apply(Stage.Batch.of(visible), new Stage.Context("db-1", inFlight, now)).notices();
    }

    @Test
    void aNewFiringAlertIsNews() {
        assertThat(dedup.change(cache, sentAt)).contains(Change.NEW);
    }

    @Test
    void onceAnnouncedItIsQuietUntilTheRepeatInterval() {
        Alert sent = notified(cache, sentAt);
        assertThat(dedup.change(sent, sentAt.plus(Duration.ofHours(4)).minusMillis(1))).contains(Change.STILL_FIRING);
        assertThat(notices(List.of(sent), Set.of(), sentAt.plusSeconds(60))).isEmpty();
        assertThat(dedup.change(sent, sentAt.plus(Duration.ofHours(4)))).contains(Change.REPEAT);
    }

    @Test
    void aSeverityChangeIsNews() {
        Alert escalated = withSeverity(notified(cache, sentAt), Severity.CRITICAL);
        assertThat(dedup.change(escalated, sentAt.plusSeconds(60))).contains(Change.SEVERITY_CHANGED);
    }

    @Test
    void aResolutionIsAnnouncedOnceAndOnlyIfTheFiringWas() {
        Alert announced = resolved(notified(cache, sentAt), sentAt.plusSeconds(60));
        assertThat(dedup.change(announced, sentAt.plusSeconds(61))).contains(Change.RESOLVED);
        Alert resolutionSent = notified(announced, sentAt.plusSeconds(61));
        assertThat(dedup.change(resolutionSent, sentAt.plusSeconds(62))).isEmpty();
        Alert neverAnnounced = resolved(cache, sentAt.plusSeconds(60));
        assertThat(dedup.change(neverAnnounced, sentAt.plusSeconds(61))).isEmpty();
    }

    @Test
    void aNotificationOfUnknownFateMakesTheCurrentStatusNewsWhateverTheLogSays() {
        Alert announced = notified(cache, sentAt);
        Alert resolvedSent = resolved(announced, sentAt.plusSeconds(60));
        // the resolution left, its alerter crashed before the stamp, and the alert fires again: the receiver may think it resolved
        Alert firingAgain = notified(cache, sentAt).pending(resolvedSent);
        assertThat(dedup.change(firingAgain, sentAt.plusSeconds(62))).contains(Change.NEW);
        // a firing left unstamped and the alert resolved: the receiver may think it still fires
        Alert resolvedAfter = resolved(cache.pending(cache), sentAt.plusSeconds(60));
        assertThat(dedup.change(resolvedAfter, sentAt.plusSeconds(61))).contains(Change.RESOLVED);
        // the stamp settles it
        assertThat(dedup.change(resolvedAfter.notified(resolvedAfter, sentAt.plusSeconds(61)), sentAt.plusSeconds(62))).isEmpty();
    }

    @Test
    void aGroupWithNewsCarriesItsOtherFiringAlertsAndSkipsThoseInFlight() {
        Alert old = notified(firing("dead_rows", "db-1", Severity.WARNING), sentAt);
        Alert fresh = firing("connections_used", "db-1", Severity.CRITICAL);
        List<AlertNotice> notices = notices(List.of(old, cache, fresh), Set.of(fresh.fingerprint()), sentAt.plusSeconds(60));
        assertThat(notices).extracting(AlertNotice::change).containsExactly(Change.STILL_FIRING, Change.NEW);
        assertThat(notices).extracting(n -> n.alert().rule()).containsExactly("dead_rows", "cache_hit_ratio");
    }

    @Test
    void theIdempotencyKeyNamesAlertStatusStartAndSequence() {
        AlertNotice first = new AlertNotice(cache, Change.NEW);
        assertThat(first.key()).isEqualTo(cache.fingerprint() + ":FIRING:" + T0.toEpochMilli() + ":1");
        assertThat(new AlertNotice(notified(cache, sentAt), Change.REPEAT).key()).endsWith(":2");
    }
}

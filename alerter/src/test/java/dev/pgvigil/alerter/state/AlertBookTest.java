package dev.pgvigil.alerter.state;

import static dev.pgvigil.alerter.support.Alerts.T0;
import static dev.pgvigil.alerter.support.Alerts.firingViolation;
import static dev.pgvigil.alerter.support.Alerts.resolvedViolation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.schema.AlertStatus;
import dev.pgvigil.schema.AlertState;
import dev.pgvigil.schema.Severity;
import dev.pgvigil.schema.kafka.Serdes;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlertBookTest {
    private final AlertBook book = new AlertBook();

    @Test
    void firingCreatesAnAlertAndAnotherFiringUpdatesIt() {
        Alert created = book.apply(firingViolation("cache_hit_ratio", "db-1", "appdb", Severity.WARNING, T0), 2).orElseThrow();
        assertThat(created.status()).isEqualTo(AlertStatus.FIRING);
        assertThat(created.partition()).isEqualTo(2);
        assertThat(created.notificationCount()).isZero();
        Alert escalated = book.apply(firingViolation("cache_hit_ratio", "db-1", "appdb", Severity.CRITICAL, T0.plusSeconds(10)), 2).orElseThrow();
        assertThat(escalated.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(book.alertsOf("db-1")).containsExactly(escalated);
    }

    @Test
    void aReplayOrAStaleViolationChangesNothing() {
        book.apply(firingViolation("dead_rows", "db-1", "public.t", Severity.WARNING, T0.plusSeconds(10)), 0);
        assertThat(book.apply(firingViolation("dead_rows", "db-1", "public.t", Severity.WARNING, T0.plusSeconds(10)), 0)).isEmpty();
        assertThat(book.apply(firingViolation("dead_rows", "db-1", "public.t", Severity.CRITICAL, T0), 0)).isEmpty();
    }

    @Test
    void resolvingKeepsTheSeverityItFiredWithAndTheNotificationLog() {
        Alert fired = book.apply(firingViolation("dead_rows", "db-1", "public.t", Severity.CRITICAL, T0), 0).orElseThrow();
        book.stamp(fired, T0.plusSeconds(30));
        Alert resolved = book.apply(resolvedViolation("dead_rows", "db-1", "public.t", T0, T0.plusSeconds(300)), 0).orElseThrow();
        assertThat(resolved.status()).isEqualTo(AlertStatus.RESOLVED);
        assertThat(resolved.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(resolved.endsAt()).isEqualTo(T0.plusSeconds(300));
        assertThat(resolved.lastNotifiedStatus()).isEqualTo(AlertStatus.FIRING);
        assertThat(resolved.notificationCount()).isEqualTo(1);
        assertThat(book.apply(resolvedViolation("unknown", "db-1", "x", T0, T0.plusSeconds(300)), 0)).isEmpty();
    }

    @Test
    void finishedAlertsAreThoseResolvedWithNothingOwedAfterTheRetention() {
        Alert fired = book.apply(firingViolation("dead_rows", "db-1", "public.t", Severity.WARNING, T0), 0).orElseThrow();
        book.stamp(fired, T0.plusSeconds(30));
        book.apply(resolvedViolation("dead_rows", "db-1", "public.t", T0, T0.plusSeconds(60)), 0);
        // the resolution is still owed: not finished however long ago
        assertThat(book.finished(T0.plus(Duration.ofDays(1)), Duration.ofHours(1), Set.of())).isEmpty();
        book.stamp(book.get(fired.fingerprint()).orElseThrow(), T0.plusSeconds(90));
        assertThat(book.finished(T0.plusSeconds(61), Duration.ofHours(1), Set.of())).isEmpty();
        assertThat(book.finished(T0.plusSeconds(60).plus(Duration.ofHours(1)), Duration.ofHours(1), Set.of())).hasSize(1);
    }

    @Test
    void partitionsGoWithTheirAlertsAndTheStateRecordRoundTrips() {
        Alert a = book.apply(firingViolation("dead_rows", "db-1", "public.t", Severity.WARNING, T0), 0).orElseThrow();
        book.apply(firingViolation("dead_rows", "db-2", "public.t", Severity.WARNING, T0), 1);
        assertThat(book.removePartitions(List.of(1))).extracting(Alert::instanceId).containsExactly("db-2");
        assertThat(book.instances()).containsExactly("db-1");
        Alert stamped = book.stamp(a, T0.plusSeconds(30)).orElseThrow();
        byte[] bytes = Serdes.alertState().serialize("t", AlertCodec.toState(stamped));
        AlertState back = Serdes.alertState().deserialize("t", bytes);
        assertThat(AlertCodec.fromState(back, 0)).isEqualTo(stamped);
    }
}

package dev.pgvigil.alerter.notify;

import static dev.pgvigil.alerter.support.Alerts.T0;
import static dev.pgvigil.alerter.support.Alerts.firing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.alerter.config.AlerterConfig;
import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.alerter.model.AlertNotice;
import dev.pgvigil.alerter.model.Change;
import dev.pgvigil.alerter.model.Notification;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.schema.Severity;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteStageTest {
    private final RouteStage routes = RouteStage.from(ConfigFile.parse("p.yaml", """
            alerter:
              webhooks:
                - {name: pager, url: "https://pager.example.com/x"}
                - {name: team, url: "https://team.example.com/x"}
              email:
                - {name: dba-mail, host: smtp.example.com, from: a@example.com, to: [dba@example.com]}
              defaultChannels: [dba-mail]
              routes:
                - {name: test-servers, matchRegex: {instance: "db-test-.*"}, muted: true}
                - {match: {severity: CRITICAL}, channels: [pager], continue: true}
                - {match: {rule: dead_rows}, channels: [team]}
                - {matchRegex: {severity: "WARNING|CRITICAL"}, channels: [dba-mail]}
            """).section("alerter", AlerterConfig.class));

    @Test
    void routesAreTriedInOrderAndContinueLetsTheNextOneMatchToo() {
        assertThat(routes.route(firing("cache_hit_ratio", "db-1", Severity.CRITICAL)).channels()).containsExactly("pager", "dba-mail");
        assertThat(routes.route(firing("dead_rows", "db-1", Severity.CRITICAL)).channels()).containsExactly("pager", "team");
        assertThat(routes.route(firing("dead_rows", "db-1", Severity.WARNING)).channels()).containsExactly("team");
    }

    @Test
    void unmatchedAlertsGoToTheDefaultChannelsAndMutedRoutesSendNothing() {
        assertThat(routes.route(firing("cache_hit_ratio", "db-1", Severity.INFO)).channels()).containsExactly("dba-mail");
        RouteStage.Decision muted = routes.route(firing("cache_hit_ratio", "db-test-3", Severity.CRITICAL));
        assertThat(muted.channels()).isEmpty();
        assertThat(muted.mutedBy()).isEqualTo("test-servers");
    }

    @Test
    void oneNotificationPerChannelWithNewsAndTheLogGetsEverything() {
        Alert critical = firing("cache_hit_ratio", "db-1", Severity.CRITICAL);
        Alert dead = firing("dead_rows", "db-1", Severity.WARNING);
        Stage.Batch batch = Stage.Batch.of(List.of(critical, dead))
                .withNotices(List.of(new AlertNotice(critical, Change.NEW), new AlertNotice(dead, Change.STILL_FIRING)));
        List<Notification> out = routes.apply(batch, new Stage.Context("db-1", Set.of(), T0)).notifications();
        assertThat(out).extracting(Notification::channel).containsExactly("log", "pager", "dba-mail");
        assertThat(out.get(0).alerts()).hasSize(2);
        assertThat(out.get(1).alerts()).extracting(n -> n.alert().rule()).containsExactly("cache_hit_ratio");
        // "team" would only have gotten dead_rows, which has nothing new to say: no message to it
        assertThat(out).extracting(Notification::channel).doesNotContain("team");
    }

    @Test
    void aNotificationsIdempotencyKeyDependsOnChannelAndAlertsNotOrder() {
        Alert a = firing("cache_hit_ratio", "db-1", Severity.CRITICAL);
        Alert b = firing("dead_rows", "db-1", Severity.WARNING);
        Notification ab = new Notification("pager", "db-1", T0, List.of(new AlertNotice(a, Change.NEW), new AlertNotice(b, Change.NEW)));
        Notification ba = new Notification("pager", "db-1", T0.plusSeconds(9), List.of(new AlertNotice(b, Change.NEW), new AlertNotice(a, Change.NEW)));
        Notification other = new Notification("team", "db-1", T0, ab.alerts());
        assertThat(ab.idempotencyKey()).isEqualTo(ba.idempotencyKey()).isNotEqualTo(other.idempotencyKey());
    }
}

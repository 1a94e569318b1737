package dev.pgvigil.alerter.config;

import dev.pgvigil.common.config.Secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvigil.common.config.ConfigException;
import dev.pgvigil.common.config.ConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlerterConfigTest {
    @Test
    void defaultsAreAlertmanagersTimingWithTheLogChannelOnly() {
        AlerterConfig c = ConfigFile.parse("p.yaml", "kafka: {bootstrapServers: x:9092}\n").section("alerter", AlerterConfig.class);
        assertThat(c.groupWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.groupInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.repeatInterval()).isEqualTo(Duration.ofHours(4));
        assertThat(c.inhibitingRules()).containsExactly("instance_down");
        assertThat(c.http().bindAddress()).isEqualTo("127.0.0.1");
        assertThat(c.http().port()).isEqualTo(AlerterConfig.DEFAULT_HTTP_PORT);
        assertThat(c.httpEnabled()).isTrue();
        assertThat(c.defaultChannels()).isEmpty();
        assertThat(c.retry().maxAttempts()).isEqualTo(8);
    }

    @Test
    void bindsChannelsRoutesAndHumanDurations(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("hook.secret");
        Files.writeString(secret, "s3cret\n");
        AlerterConfig c = ConfigFile.parse("p.yaml", """
                alerter:
                  groupWait: 200ms
                  groupInterval: 1m30s
                  repeatInterval: PT2H
                  retry: {maxAttempts: 3, initialBackoff: 10ms, maxBackoff: 1s}
                  webhooks:
                    - {name: ops, url: "https://hooks.example.com/pgvigil", secretFile: %s}
                  email:
                    - {name: dba-mail, host: smtp.example.com, from: pgvigil@example.com, to: [dba@example.com]}
                  routes:
                    - {match: {severity: CRITICAL}, channels: [ops, dba-mail], continue: true}
                    - {matchRegex: {instance: "db-test-.*"}, muted: true}
                  http: {port: 0}
                """.formatted(secret)).section("alerter", AlerterConfig.class);
        assertThat(c.groupWait()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.groupInterval()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.repeatInterval()).isEqualTo(Duration.ofHours(2));
        assertThat(c.retry().initialBackoff()).isEqualTo(Duration.ofMillis(10));
        assertThat(c.webhooks().get(0).secret().orElseThrow().resolve()).isEqualTo("s3cret");
        assertThat(c.email().get(0).port()).isEqualTo(587);
        assertThat(c.email().get(0).securityMode()).isEqualTo(EmailConfig.Security.STARTTLS);
        assertThat(c.routes().get(0).continueMatching()).isTrue();
        assertThat(c.routes().get(1).muted()).isTrue();
        assertThat(c.defaultChannels()).containsExactly("ops", "dba-mail");
    }

    @Test
    void aRouteToAnUnknownChannelNamesFileLineAndKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pgvigil.yaml");
        Files.writeString(file, """
                kafka: {bootstrapServers: x:9092}
                alerter:
                  webhooks:
                    - {name: ops, url: "https://hooks.example.com/x"}
                  routes:
                    - {match: {severity: CRITICAL}, channels: [pager]}
                """);
        assertThatThrownBy(() -> ConfigFile.load(file).section("alerter", AlerterConfig.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + ":3: alerter: routes[0]: no channel named 'pager' (configured: log, ops)");
    }

    @Test
    void aDurationWithoutUnitIsRefusedWithTheKey() {
        assertThatThrownBy(() -> ConfigFile.parse("p.yaml", "alerter:\n  groupWait: 30\n").section("alerter", AlerterConfig.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("p.yaml:2: alerter.groupWait:")
                .hasMessageContaining("has no unit");
        assertThatThrownBy(() -> ConfigFile.parse("p.yaml", "alerter:\n  repeatInterval: 4 hours\n").section("alerter", AlerterConfig.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("alerter.repeatInterval")
                .hasMessageContaining("not a duration");
    }

    @Test
    void aSecretNeedsExactlyOneSourceAndNeverShowsItsValue() {
        assertThatThrownBy(() -> ConfigFile.parse("p.yaml", """
                alerter:
                  webhooks:
                    - {name: ops, url: "https://h.example.com/x", secretEnv: A, secretFile: /b}
                """).section("alerter", AlerterConfig.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("alerter.webhooks[0]")
                .hasMessageContaining("give secretEnv or secretFile, not both");
        assertThatThrownBy(() -> Secret.of("password", "PGVIGIL_TEST_SURELY_UNSET_VARIABLE", null).orElseThrow().resolve())
                .hasMessage("environment variable PGVIGIL_TEST_SURELY_UNSET_VARIABLE (passwordEnv) is not set");
        assertThat(Secret.of("password", "X", null).orElseThrow().toString()).isEqualTo("Secret[passwordEnv from environment variable X]");
        assertThatThrownBy(() -> ConfigFile.parse("p.yaml", """
                alerter:
                  slack: [{name: chat}]
                """).section("alerter", AlerterConfig.class)).hasMessageContaining("give exactly one of url, urlEnv or urlFile");
    }

    @Test
    void theLogChannelNameIsReservedAndNamesAreUnique() {
        assertThatThrownBy(() -> ConfigFile.parse("p.yaml", """
                alerter:
                  webhooks: [{name: log, url: "https://h.example.com/x"}]
                """).section("alerter", AlerterConfig.class)).hasMessageContaining("built-in log channel");
        assertThatThrownBy(() -> ConfigFile.parse("p.yaml", """
                alerter:
                  webhooks: [{name: a, url: "https://h.example.com/x"}]
                  slack: [{name: a, url: "https://h.example.com/y"}]
                """).section("alerter", AlerterConfig.class)).hasMessageContaining("two channels are named 'a'");
    }

    @Test
    void durationTextReadsWhatItWrites() {
        for (String text : new String[] {"200ms", "30s", "5m", "4h", "2d", "1h30m", "1m0s500ms"}) {
            Duration d = DurationText.parse(text);
            assertThat(DurationText.parse(DurationText.format(d))).isEqualTo(d);
        }
        assertThat(DurationText.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThatThrownBy(() -> DurationText.parse("5x")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> DurationText.parse("m5")).hasMessageContaining("not a duration");
    }
}

package dev.pgvigil.collector.config;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvigil.common.config.ConfigException;
import dev.pgvigil.common.config.ConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectorConfigTest {
    private static CollectorConfig load(Path file, String yaml) throws Exception {
        Files.writeString(file, yaml);
        return ConfigFile.load(file).section("collector", CollectorConfig.class);
    }

    @Test
    void defaultsAndPerTargetSettings(@TempDir Path dir) throws Exception {
        CollectorConfig c = load(dir.resolve("ok.yaml"), """
                collector:
                  targets:
                    - id: db1
                      url: postgresql://monitor@db1.example:5432/app?sslmode=require
                      passwordEnv: DB1_PASSWORD
                      intervalSeconds: 30
                      labels: {env: prod}
                    - id: db2
                      url: jdbc:postgresql://db2:5433/shop
                      user: monitor
                      passwordFile: /run/secrets/db2
                """);
        assertThat(c.intervalSeconds()).isEqualTo(10);
        assertThat(c.statementTimeoutMs()).isEqualTo(5000);
        assertThat(c.lockTimeoutMs()).isEqualTo(1000);
        assertThat(c.fullSnapshotEvery()).isEqualTo(6);
        assertThat(c.sizeRefreshSeconds()).isEqualTo(60);
        assertThat(c.chunkMaxBytes()).isLessThan(1_000_000);
        assertThat(c.threads()).isEqualTo(8);
        assertThat(c.targets().get(0).intervalSeconds(c.intervalSeconds())).isEqualTo(30);
        assertThat(c.targets().get(1).intervalSeconds(c.intervalSeconds())).isEqualTo(10);
        assertThat(c.targets().get(0).effectiveUser()).isEqualTo("monitor");
        assertThat(c.targets().get(0).parsedUrl().jdbcUrl()).isEqualTo("jdbc:postgresql://db1.example:5432/app?sslmode=require");
        assertThat(c.targets().get(0).labels()).containsEntry("env", "prod");
    }

    @Test
    void unknownKeyIsReportedWithFileLineAndKey(@TempDir Path dir) {
        Path file = dir.resolve("typo.yaml");
        assertThatThrownBy(() -> load(file, """
                collector:
                  targets:
                    - id: db1
                      url: jdbc:postgresql://db1/app
                      pasword_env: X
                      user: monitor
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("collector.targets[0].pasword_env: unknown key 'pasword_env' (known: ")
                .hasMessageContaining("passwordEnv")
                .hasMessageStartingWith(file + ":5: ");
    }

    @Test
    void missingUrl(@TempDir Path dir) {
        Path file = dir.resolve("nourl.yaml");
        assertThatThrownBy(() -> load(file, """
                collector:
                  targets:
                    - id: db1
                      user: monitor
                """)).isInstanceOf(ConfigException.class)
                .hasMessage(file + ":3: collector.targets[0]: url is required");
    }

    @Test
    void duplicateTargetId(@TempDir Path dir) {
        Path file = dir.resolve("dup.yaml");
        assertThatThrownBy(() -> load(file, """
                collector:
                  targets:
                    - {id: db1, url: "jdbc:postgresql://a/app", user: m}
                    - {id: db1, url: "jdbc:postgresql://b/app", user: m}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + ":2: collector: targets[1].id: duplicate target id 'db1' (also targets[0])");
    }

    @Test
    void badIntervals(@TempDir Path dir) {
        Path file = dir.resolve("interval.yaml");
        assertThatThrownBy(() -> load(file, "collector:\n  intervalSeconds: 0\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("collector: intervalSeconds must be between 1 and 86400, got 0");
        assertThatThrownBy(() -> load(file, "collector:\n  sizeRefreshSeconds: -1\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("collector: sizeRefreshSeconds must be between 0 and 86400, got -1");
        assertThatThrownBy(() -> load(file, "collector:\n  intervalSeconds: soon\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ":2: collector.intervalSeconds:");
        assertThatThrownBy(() -> load(file, """
                collector:
                  targets:
                    - {id: db1, url: "jdbc:postgresql://a/app", user: m, intervalSeconds: -5}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + ":3: collector.targets[0]: intervalSeconds must be between 1 and 86400, got -5");
    }

    @Test
    void credentialsAreCheckedWithoutEchoingThem(@TempDir Path dir) {
        Path file = dir.resolve("creds.yaml");
        assertThatThrownBy(() -> load(file, """
                collector:
                  targets:
                    - {id: db1, url: "postgresql://m:hunter2@a/app", passwordEnv: PW}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("url holds a password and passwordEnv is set too")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        assertThatThrownBy(() -> load(file, """
                collector:
                  targets:
                    - {id: db1, url: "mysql://m:hunter2@a/app"}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("url must start with jdbc:postgresql://")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        assertThatThrownBy(() -> load(file, """
                collector:
                  targets:
                    - {id: "bad id", url: "jdbc:postgresql://a/app", user: m}
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("id 'bad id' must be");
    }

    @Test
    void passwordFileIsReadAtConnectTime(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("pw");
        Files.writeString(secret, "s3cret\n");
        TargetConfig t = TargetConfig.of("x", "jdbc:postgresql://h/db", "u", null, secret.toString());
        assertThat(t.resolvePassword()).isEqualTo("s3cret");
        Files.delete(secret);
        assertThatThrownBy(t::resolvePassword).hasMessageStartingWith("cannot read passwordFile " + secret);
        TargetConfig env = TargetConfig.of("x", "jdbc:postgresql://h/db", "u", "PGVIGIL_SURELY_UNSET_VAR", null);
        assertThatThrownBy(env::resolvePassword).hasMessage("environment variable PGVIGIL_SURELY_UNSET_VAR (passwordEnv) is not set");
    }

    @Test
    void databaseFilters() {
        TargetConfig t = new TargetConfig("x", "jdbc:postgresql://h/db", "u", null, null, null, null, null,
                java.util.List.of("app", "shop"), java.util.List.of("shop"));
        assertThat(t.databaseScope().test("app")).isTrue();
        assertThat(t.databaseScope().test("shop")).isFalse();
        assertThat(t.databaseScope().test("postgres")).isFalse();
    }
}

package dev.pgvigil.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    record Target(String id, String url) {
        Target {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("url is required");
            }
        }
    }

    record Collector(List<Target> targets, Integer intervalSeconds) {}

    @Test
    void bindsSectionsAndKafkaSettings() {
        ConfigFile config = ConfigFile.parse("t.yaml", """
                kafka:
                  bootstrapServers: 127.0.0.1:9092
                  properties: {security.protocol: SSL}
                collector:
                  intervalSeconds: 10
                  targets:
                    - {id: a, url: "jdbc:postgresql://h/db"}
                """);
        assertThat(config.section("collector", Collector.class).targets()).extracting(Target::id).containsExactly("a");
        KafkaSettings kafka = config.section("kafka", KafkaSettings.class);
        assertThat(kafka.clientProperties()).containsEntry("security.protocol", "SSL").containsEntry("bootstrap.servers", "127.0.0.1:9092");
        assertThat(kafka.topicPartitions()).isEqualTo(3);
    }

    @Test
    void unknownKeyNamesFileLineAndKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pgvigil.yaml");
        Files.writeString(file, """
                collector:
                  intervalSeconds: 10
                  targets:
                    - id: a
                      url: jdbc:postgresql://h/db
                      passwrd: oops
                """);
        assertThatThrownBy(() -> ConfigFile.load(file).section("collector", Collector.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ":6: collector.targets[0].passwrd: unknown key 'passwrd'")
                .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(6));
    }

    @Test
    void unknownKeyAtTheEndOfASectionIsReportedOnItsOwnLine() {
        assertThatThrownBy(() -> ConfigFile.parse("t.yaml", """
                collector:
                  intervalSeconds: 10
                  bogus: 1
                kafka:
                  bootstrapServers: k:9092
                """).section("collector", Collector.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("t.yaml:3: collector.bogus: unknown key 'bogus'");
    }

    @Test
    void validationFailureNamesTheKey() {
        assertThatThrownBy(() -> ConfigFile.parse("t.yaml", """
                collector:
                  targets:
                    - id: a
                """).section("collector", Collector.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("t.yaml:3: collector.targets[0]: url is required");
    }

    @Test
    void wrongTypeNamesTheKey() {
        assertThatThrownBy(() -> ConfigFile.parse("t.yaml", "collector:\n  intervalSeconds: often\n").section("collector", Collector.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("t.yaml:2: collector.intervalSeconds:");
    }

    @Test
    void unknownSectionAndBadYamlAreReported() {
        assertThatThrownBy(() -> ConfigFile.parse("t.yaml", "colector:\n  x: 1\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("t.yaml:1: colector: unknown section");
        assertThatThrownBy(() -> ConfigFile.parse("t.yaml", "collector:\n  targets: [\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
    }

    @Test
    void absentSectionTakesDefaults() {
        assertThat(ConfigFile.parse("t.yaml", "").section("collector", Collector.class).targets()).isNull();
    }

    @Test
    void aKeyGivenTwiceIsRefusedWithItsLineAndPath() {
        assertThatThrownBy(() -> ConfigFile.parse("t.yaml", """
                collector:
                  intervalSeconds: 10
                  intervalSeconds: 60
                """).section("collector", Collector.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("t.yaml:3: collector.intervalSeconds: given twice");
        assertThatThrownBy(() -> ConfigFile.parse("t.yaml", "collector: {}\nalerter: {}\ncollector: {}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("t.yaml:3: collector");
    }

    @Test
    void aHugeFileIsRefusedBeforeParsing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("huge.yaml");
        Files.writeString(file, "collector: {x: \"" + "a".repeat(10_000_000) + "\"}\n");
        assertThatThrownBy(() -> ConfigFile.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("a configuration file may have at most 1048576");
    }

    @Test
    void aSectionWithNothingUnderItTakesEveryDefault() {
        assertThat(ConfigFile.parse("t.yaml", "collector:\nalerter: {}\n").section("collector", Collector.class).targets()).isNull();
    }
}

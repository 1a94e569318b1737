package dev.pgvigil.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kafka section's secrets come from environment variables and files, never from the file itself. */
class KafkaSettingsTest {

    @Test
    void saslAndSecretPropertiesAreReadFromFilesAndEnvironment(@TempDir Path dir) throws Exception {
        Path password = Files.writeString(dir.resolve("kafka-password"), "s3cr\"et\n");
        Path truststorePassword = Files.writeString(dir.resolve("truststore-password"), "changeit\n");
        String path = System.getenv().keySet().stream().filter(k -> k.equals("PATH")).findFirst().orElseThrow();
        KafkaSettings kafka = ConfigFile.parse("t.yaml", """
                kafka:
                  bootstrapServers: broker:9093
                  properties:
                    security.protocol: SASL_SSL
                    ssl.truststore.location: /etc/pgvigil/ca.p12
                  propertiesFile:
                    ssl.truststore.password: %s
                  propertiesEnv:
                    ssl.keystore.password: %s
                  sasl:
                    username: pgvigil-collector
                    passwordFile: %s
                """.formatted(truststorePassword, path, password)).section("kafka", KafkaSettings.class);

        assertThat(kafka.clientProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("ssl.truststore.password", "changeit")
                .containsEntry("ssl.keystore.password", System.getenv("PATH"))
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"pgvigil-collector\" password=\"s3cr\\\"et\";");
        assertThat(kafka.toString()).as("the settings can be logged").doesNotContain("s3cr").doesNotContain("changeit");
    }

    @Test
    void anInlineSaslPasswordIsAConfigErrorNamingTheKeyAndLine() {
        assertThatThrownBy(() -> ConfigFile.parse("t.yaml", """
                kafka:
                  bootstrapServers: broker:9093
                  sasl:
                    username: pgvigil
                    password: hunter2
                """).section("kafka", KafkaSettings.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("t.yaml:5: kafka.sasl.password: a password is never given inline")
                .hasMessageContaining("kafka.sasl.passwordEnv")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void anInlineSecretPropertyIsAConfigErrorNamingTheKeyAndLine() {
        assertThatThrownBy(() -> ConfigFile.parse("t.yaml", """
                kafka:
                  bootstrapServers: broker:9093
                  properties:
                    security.protocol: SASL_SSL
                    ssl.truststore.password: hunter2
                """).section("kafka", KafkaSettings.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("t.yaml:5: kafka.properties.ssl.truststore.password: a secret is never given inline")
                .hasMessageContaining("kafka.propertiesEnv.ssl.truststore.password")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ConfigFile.parse("t.yaml", """
                kafka:
                  properties:
                    sasl.jaas.config: 'org.apache.kafka.common.security.scram.ScramLoginModule required username="a" password="hunter2";'
                """).section("kafka", KafkaSettings.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("t.yaml:3: kafka.properties.sasl.jaas.config: a secret is never given inline")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aMissingSecretSourceIsNamedWhenTheClientIsMade(@TempDir Path dir) {
        KafkaSettings kafka = ConfigFile.parse("t.yaml", """
                kafka:
                  bootstrapServers: broker:9093
                  sasl: {username: pgvigil, passwordEnv: PGVIGIL_TEST_SURELY_UNSET_VARIABLE}
                """).section("kafka", KafkaSettings.class);
        assertThatThrownBy(kafka::clientProperties)
                .hasMessage("environment variable PGVIGIL_TEST_SURELY_UNSET_VARIABLE (kafka.sasl.passwordEnv) is not set");
        KafkaSettings fromFile = ConfigFile.parse("t.yaml", "kafka:\n  bootstrapServers: b:1\n  sasl: {username: p, passwordFile: "
                + dir.resolve("absent") + "}\n").section("kafka", KafkaSettings.class);
        assertThatThrownBy(fromFile::clientProperties).hasMessageContaining("(kafka.sasl.passwordFile)").hasMessageContaining("NoSuchFile");
    }

    @Test
    void saslNeedsOnePasswordSourceAndAKnownMechanism() {
        assertThatThrownBy(() -> ConfigFile.parse("t.yaml", "kafka:\n  sasl:\n    username: p\n").section("kafka", KafkaSettings.class))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.sasl").hasMessageContaining("exactly one of passwordEnv, passwordFile");
        assertThatThrownBy(() -> ConfigFile.parse("t.yaml", "kafka:\n  sasl:\n    username: p\n    mechanism: MD5\n    passwordEnv: X\n")
                .section("kafka", KafkaSettings.class))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("t.yaml:4: kafka.sasl.mechanism: is MD5");
    }
}

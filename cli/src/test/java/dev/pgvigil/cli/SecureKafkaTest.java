package dev.pgvigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.pgvigil.cli.standalone.Standalone;
import dev.pgvigil.common.ExitCodes;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.embedded.ThrowawayTls;
import dev.pgvigil.embedded.demo.DemoDatabase;
import dev.pgvigil.schema.kafka.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Kafka over TLS with SASL/SCRAM-SHA-512: the services (standalone on an external cluster: collector,
 * analyzer, alerter) and the commands (tail, silence) connect with nothing but the config's kafka
 * section, the password from a file; a wrong password is one clear line and exit code 2; and the
 * password shows up in no log line and no output.
 */
class SecureKafkaTest {

    @Test
    void servicesAndCommandsWorkOverTlsAndScramAndThePasswordIsNeverLogged(@TempDir Path dir) throws Exception {
        ThrowawayTls tls = ThrowawayTls.create(dir);
        String password = "pw-" + UUID.randomUUID();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger kafkaLogs = (Logger) LoggerFactory.getLogger("org.apache.kafka");
        Level kafkaLevel = kafkaLogs.getLevel();
        kafkaLogs.setLevel(Level.INFO); // the clients' INFO lines list their whole configuration: the place a password would leak
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        StringWriter progress = new StringWriter();
        StringBuilder outputs = new StringBuilder();
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporarySecured(1, new EmbeddedKafka.ClientSecurity(tls, false))) {
            kafka.addScramUser("pgvigil", password);
            Path config = config(dir, "pgvigil.yaml", kafka, tls, Files.writeString(dir.resolve("kafka-password"), password + "\n"));

            try (Standalone standalone = Standalone.start(new Standalone.Options(config, null, 0, DemoDatabase.Scale.SMALL, 0, 0),
                    new PrintWriter(progress, true))) {
                assertThat(standalone.bootstrapServers()).isEqualTo(kafka.secureBootstrapServers());
                KafkaSettings settings = ConfigFile.load(config).section("kafka", KafkaSettings.class);
                // collector -> snapshots -> analyzer -> metrics, every hop over the secure listener
                awaitRecord(settings, Topics.METRICS, Duration.ofSeconds(150));

                PgvigilRun add = PgvigilRun.of("silence", "add", "--rule", "cache_hit_ratio", "--for", "1h", "--comment", "secure-test", "--config", config.toString());
                outputs.append(add.out()).append(add.err());
                assertThat(add.code()).as(add.err()).isZero();
                PgvigilRun list = PgvigilRun.of("silence", "list", "--config", config.toString());
                outputs.append(list.out()).append(list.err());
                assertThat(list.code()).as(list.err()).isZero();
                assertThat(list.out()).contains("secure-test");
                PgvigilRun tail = PgvigilRun.of("tail", Topics.METRICS, "--from-beginning", "--max", "1", "--timeout", "60", "--config", config.toString());
                outputs.append(tail.out()).append(tail.err());
                assertThat(tail.code()).as(tail.err()).isZero();
                assertThat(tail.out()).contains("demo"); // the demo instance's metrics
            }

            Path wrongPassword = Files.writeString(dir.resolve("wrong-password"), "not-" + password);
            Path wrong = config(dir, "wrong.yaml", kafka, tls, wrongPassword);
            Files.writeString(wrong, Files.readString(wrong) + """
                    http: {port: 0}
                    analyzer: {stateDir: %s}
                    collector:
                      targets: [{id: t, url: "postgresql://pgvigil@127.0.0.1:1/db", passwordFile: %s}]
                    """.formatted(dir.resolve("wrong-state"), wrongPassword));
            // every service and command stops at once with exit code 2 and one line: no retry loop
            for (List<String> command : List.of(List.of("silence", "list"), List.of("tail", Topics.METRICS), List.of("collector"),
                    List.of("analyzer"), List.of("alerter"))) {
                List<String> args = new java.util.ArrayList<>(command);
                args.addAll(List.of("--config", wrong.toString()));
                PgvigilRun refused = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> PgvigilRun.of(args.toArray(String[]::new)), String.join(" ", command));
                outputs.append(refused.out()).append(refused.err());
                assertThat(refused.code()).as(command + ": " + refused.err()).isEqualTo(ExitCodes.USAGE_OR_CONNECTION);
                assertThat(refused.err().strip().lines()).as(command + ", one line: " + refused.err()).hasSize(1);
                assertThat(refused.err()).as(command.toString()).startsWith("pgvigil: ").containsIgnoringCase("authentication failed")
                        .doesNotContain("Exception:");
            }
        } finally {
            root.detachAppender(logs);
            kafkaLogs.setLevel(kafkaLevel);
        }
        assertThat(logs.list).as("Kafka clients logged their configuration").anyMatch(e -> e.getFormattedMessage().contains("sasl.jaas.config"));
        for (ILoggingEvent e : logs.list) {
            String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()));
            assertThat(line).as("a log line of " + e.getLoggerName()).doesNotContain(password);
        }
        assertThat(progress.toString()).doesNotContain(password);
        assertThat(outputs.toString()).doesNotContain(password);
    }

    private static Path config(Path dir, String name, EmbeddedKafka kafka, ThrowawayTls tls, Path passwordFile) throws Exception {
        Path truststorePassword = dir.resolve("truststore-password");
        Files.writeString(truststorePassword, tls.password());
        return Files.writeString(dir.resolve(name), """
                kafka:
                  bootstrapServers: %s
                  partitions: 1
                  properties:
                    security.protocol: SASL_SSL
                    ssl.truststore.type: PKCS12
                    ssl.truststore.location: %s
                  propertiesFile:
                    ssl.truststore.password: %s
                  sasl:
                    mechanism: SCRAM-SHA-512
                    username: pgvigil
                    passwordFile: %s
                alerter:
                  httpEnabled: false
                """.formatted(kafka.secureBootstrapServers(), tls.truststore(), truststorePassword, passwordFile));
    }

    private static void awaitRecord(KafkaSettings settings, String topic, Duration timeout) {
        Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.put("group.id", "secure-test");
        props.put("auto.offset.reset", "earliest");
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(Set.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!consumer.poll(Duration.ofMillis(500)).isEmpty()) {
                    return;
                }
            }
        }
        throw new AssertionError("no record on " + topic + " within " + timeout);
    }
}

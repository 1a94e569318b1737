package dev.pgvigil.collector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.collector.fleet.TargetsTopic;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.schema.TargetStatus;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pgvigil targets} against a real broker: the plan first, dry runs change nothing, bad input changes nothing. */
class TargetsCommandTest {
    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static Path config;
    static TargetsTopic topic;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.startTemporary();
        config = dir.resolve("pgvigil.yaml");
        Files.writeString(config, "kafka:\n  bootstrapServers: " + kafka.bootstrapServers() + "\n");
        topic = new TargetsTopic(KafkaSettings.of(kafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new TargetsCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static void publishStatus(String targetId) throws Exception {
        TargetStatus status = TargetStatus.newBuilder().setCollector("pgvigil-collector-gone").setHost("host-a")
                .setLastCycleAt(Instant.now()).setLastDurationMs(12).setLastStatus("OK").setLastError(null).build();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                java.util.Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.TARGETS_STATUS, targetId,
                    Serdes.targetStatus().serializer().serialize(Topics.TARGETS_STATUS, status))).get();
        }
    }

    private static Path fleet(String name, String targets) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, "collector:\n  targets:\n" + targets);
        return f;
    }

    @Test
    void applyPrintsThePlanDryRunChangesNothingThenAddRemoveAndList() throws Exception {
        Path file = fleet("fleet.yaml", """
                    - {id: orders, url: 'postgresql://monitor@db1/orders', passwordEnv: ORDERS_PW, labels: {env: prod}}
                    - {id: billing, url: 'jdbc:postgresql://db2/billing', user: monitor, passwordFile: /run/secrets/billing}
                """);
        Run dry = run("apply", "-c", config.toString(), "-f", file.toString(), "--dry-run");
        assertThat(dry.exit()).isZero();
        assertThat(dry.out()).contains("+ orders", "+ billing", "2 to add, 0 to change, 0 to remove", "dry run: nothing changed");
        assertThat(topic.read()).doesNotContainKeys("orders", "billing");

        Run apply = run("apply", "-c", config.toString(), "-f", file.toString());
        assertThat(apply.exit()).as(apply.err()).isZero();
        assertThat(topic.read()).containsKeys("orders", "billing");
        assertThat(topic.read().get("orders").getPasswordEnv()).isEqualTo("ORDERS_PW");

        Run add = run("add", "-c", config.toString(), "--id", "crm", "--url", "postgresql://monitor@db3/crm", "--password-env", "CRM_PW",
                "--label", "team=sales");
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(add.out()).contains("+ crm");

        Run again = run("apply", "-c", config.toString(), "-f", fleet("fleet2.yaml", """
                    - {id: orders, url: 'postgresql://monitor@db1/orders', passwordEnv: ORDERS_PW, intervalSeconds: 30, labels: {env: prod}}
                    - {id: billing, url: 'jdbc:postgresql://db2/billing', user: monitor, passwordFile: /run/secrets/billing}
                """).toString());
        assertThat(again.out()).contains("~ orders", "- crm", "0 to add, 1 to change, 1 to remove, 1 unchanged");
        assertThat(topic.read()).doesNotContainKey("crm");
        assertThat(topic.read().get("orders").getIntervalSeconds()).isEqualTo(30);

        Run list = run("list", "-c", config.toString());
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("orders", "billing", "30s", "{env=prod}", "2 target(s)");
        // no collector has run: no owner, never collected, no error
        assertThat(list.out().lines().filter(l -> l.startsWith("orders ")).findFirst().orElseThrow()).matches(".* -\\s+never  -");
        Run json = run("list", "-c", config.toString(), "--json");
        assertThat(json.exit()).as(json.err()).isZero();
        var targets = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
        assertThat(targets).hasSize(2);
        assertThat(targets.get(1).get("id").asText()).isEqualTo("orders");
        assertThat(targets.get(1).get("labels").get("env").asText()).isEqualTo("prod");
        assertThat(targets.get(1).get("owner").isNull()).isTrue();

        // the status billing's owner left before it went down; the owner will never hear of the removal
        topic.ensure();
        publishStatus("billing");
        assertThat(topic.statuses()).containsKey("billing");
        assertThat(run("remove", "-c", config.toString(), "billing").exit()).isZero();
        assertThat(topic.read()).containsOnlyKeys("orders");
        assertThat(topic.statuses()).as("a removed target's status goes with it").doesNotContainKey("billing");
        Run missing = run("remove", "-c", config.toString(), "billing");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("no such target on the topic: billing");
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() throws Exception {
        topic.ensure();
        var before = topic.read();
        Run inUrl = run("apply", "-c", config.toString(), "-f", fleet("pw.yaml", """
                    - {id: good, url: 'postgresql://monitor@db1/a', passwordEnv: PW}
                    - {id: leaky, url: 'postgresql://monitor:hunter2@db1/a'}
                """).toString());
        assertThat(inUrl.exit()).isEqualTo(2);
        assertThat(inUrl.err()).contains("leaky", "password in the url", "passwordEnv").doesNotContain("hunter2");

        Run dup = run("apply", "-c", config.toString(), "-f", fleet("dup.yaml", """
                    - {id: twice, url: 'postgresql://monitor@db1/a'}
                    - {id: twice, url: 'postgresql://monitor@db2/a'}
                """).toString());
        assertThat(dup.exit()).isEqualTo(2);
        assertThat(dup.err()).contains("duplicate target id 'twice'");

        Run unknownKey = run("apply", "-c", config.toString(), "-f", fleet("key.yaml", """
                    - {id: typo, url: 'postgresql://monitor@db1/a', pasword: x}
                """).toString());
        assertThat(unknownKey.exit()).isEqualTo(2);
        assertThat(unknownKey.err()).contains("unknown key 'pasword'");

        Run badId = run("add", "-c", config.toString(), "--id", "not ok!", "--url", "postgresql://monitor@db1/a");
        assertThat(badId.exit()).isEqualTo(2);
        assertThat(badId.err()).contains("id 'not ok!' must be");

        Run badUrl = run("add", "-c", config.toString(), "--id", "bad-url", "--url", "mysql://db1/a", "--user", "u");
        assertThat(badUrl.exit()).isEqualTo(2);
        assertThat(badUrl.err()).isNotBlank();

        Run addLeaky = run("add", "-c", config.toString(), "--id", "leaky", "--url", "postgresql://monitor:hunter2@db1/a");
        assertThat(addLeaky.exit()).isEqualTo(2);
        assertThat(addLeaky.err()).doesNotContain("hunter2");

        assertThat(topic.read()).isEqualTo(before);
    }
}

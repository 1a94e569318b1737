package dev.pgvigil.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvigil.alerter.Alerter;
import dev.pgvigil.alerter.config.AlerterConfig;
import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.query.AnalyzerService;
import dev.pgvigil.collector.Collector;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.http.HttpSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.embedded.ThrowawayTls;
import dev.pgvigil.embedded.demo.DemoDatabase;
import dev.pgvigil.schema.kafka.TopicSetup;
import dev.pgvigil.schema.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Least privilege: the collector, the analyzer and the alerter, each as its own SCRAM user over TLS with
 * exactly the ACLs of docs/kafka.md on a cluster that enforces them (StandardAuthorizer), run the pipeline:
 * snapshots become committed metrics, and the alerter owns its partitions. The ACLs bite: the collector's
 * user may not read what the analyzer writes. What a service does when one is missing: {@link ServiceDenialTest}.
 */
class ServiceAclTest {

    @Test
    void eachServiceRunsUnderExactlyTheDocumentedAcls(@TempDir Path dir) throws Exception {
        ThrowawayTls tls = ThrowawayTls.create(dir);
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporarySecured(1, new EmbeddedKafka.ClientSecurity(tls, true));
             LocalPostgres pg = LocalPostgres.start(new LocalPostgres.Options(DemoDatabase.SERVER_SETTINGS))) {
            try (var admin = kafka.admin()) { // the operator creates the topics and grants the ACLs
                TopicSetup.ensureAll(admin, 1, (short) 1);
                admin.createAcls(acls()).all().get(30, TimeUnit.SECONDS);
            }
            Map<String, KafkaSettings> settings = new HashMap<>();
            for (String user : List.of("pgvigil-collector", "pgvigil-analyzer", "pgvigil-alerter")) {
                String password = "pw-" + user + "-" + System.nanoTime();
                kafka.addScramUser(user, password);
                settings.put(user, settings(dir, kafka, tls, user, Files.writeString(dir.resolve(user + ".password"), password)));
            }

            DemoDatabase.Target demo = DemoDatabase.create(pg, DemoDatabase.Scale.SMALL);
            Path demoPassword = Files.writeString(dir.resolve("demo-password"), demo.password());
            ConfigFile empty = ConfigFile.parse("t.yaml", "alerter:\n  httpEnabled: false\n");
            CollectorConfig targets = DemoTargets.collectorConfig(empty.section("collector", CollectorConfig.class), DemoTargets.target(demo, demoPassword));
            try (Collector collector = new Collector(targets, settings.get("pgvigil-collector"));
                 AnalyzerService analyzer = AnalyzerService.start(settings.get("pgvigil-analyzer"),
                         empty.section("analyzer", AnalyzerConfig.class).withStateDir(dir.resolve("state")),
                         empty.section("http", HttpSettings.class).withPort(0));
                 Alerter alerter = Alerter.start(settings.get("pgvigil-alerter"), empty.section("alerter", AlerterConfig.class))) {
                collector.start();
                assertThat(alerter.awaitReady(Duration.ofSeconds(90))).as("the alerter joined its group and owns its partitions").isTrue();
                awaitCommittedRecord(kafka, Topics.METRICS, Duration.ofSeconds(150));

                Map<String, Object> collectorReads = new HashMap<>(settings.get("pgvigil-collector").clientProperties());
                collectorReads.put("group.id", "pgvigil-collector");
                try (var consumer = new KafkaConsumer<>(collectorReads, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                    consumer.subscribe(Set.of(Topics.METRICS));
                    assertThatThrownBy(() -> {
                        for (int i = 0; i < 40; i++) {
                            consumer.poll(Duration.ofMillis(500));
                        }
                    }).isInstanceOf(TopicAuthorizationException.class);
                }
            }
        }
    }

    /** The ACLs of docs/kafka.md, one principal per service. */
    static List<AclBinding> acls() {
        List<AclBinding> acls = new ArrayList<>();
        String collector = "User:pgvigil-collector";
        allowTopic(acls, collector, AclOperation.WRITE, Topics.SNAPSHOTS, PatternType.LITERAL);
        allowTopic(acls, collector, AclOperation.WRITE, "pgvigil.stats.", PatternType.PREFIXED);
        // the fleet: its targets topic (the file's targets are written there at start), its group, its transactions
        allowTopic(acls, collector, AclOperation.READ, Topics.TARGETS, PatternType.LITERAL);
        allowTopic(acls, collector, AclOperation.WRITE, Topics.TARGETS, PatternType.LITERAL);
        allowTopic(acls, collector, AclOperation.READ, Topics.TARGETS_STATUS, PatternType.LITERAL);
        allowTopic(acls, collector, AclOperation.WRITE, Topics.TARGETS_STATUS, PatternType.LITERAL);
        allow(acls, collector, AclOperation.READ, ResourceType.GROUP, CollectorConfig.DEFAULT_GROUP_ID, PatternType.LITERAL);
        allow(acls, collector, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, "pgvigil-collector-", PatternType.PREFIXED);
        allow(acls, collector, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, "pgvigil-collector-", PatternType.PREFIXED);

        String analyzer = "User:pgvigil-analyzer";
        for (String topic : List.of(Topics.SNAPSHOTS, Topics.BASELINES, Topics.BASELINE_REQUESTS, Topics.ALERTS)) {
            allowTopic(acls, analyzer, AclOperation.READ, topic, PatternType.LITERAL);
        }
        allowTopic(acls, analyzer, AclOperation.READ, "pgvigil.stats.", PatternType.PREFIXED);
        for (String topic : List.of(Topics.METRICS, Topics.VIOLATIONS, Topics.FINDINGS, Topics.BASELINES, Topics.BASELINE_REQUESTS, Topics.ANALYZER_DLQ)) {
            allowTopic(acls, analyzer, AclOperation.WRITE, topic, PatternType.LITERAL);
        }
        allowTopic(acls, analyzer, AclOperation.WRITE, Topics.ROLLUPS_PREFIX, PatternType.PREFIXED);
        allowTopic(acls, analyzer, AclOperation.ALL, "pgvigil-analyzer-", PatternType.PREFIXED);
        allow(acls, analyzer, AclOperation.READ, ResourceType.GROUP, "pgvigil-analyzer", PatternType.LITERAL);
        allow(acls, analyzer, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, "pgvigil-analyzer-", PatternType.PREFIXED);
        allow(acls, analyzer, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, "pgvigil-analyzer-", PatternType.PREFIXED);

        String alerter = "User:pgvigil-alerter";
        for (String topic : List.of(Topics.VIOLATIONS, Topics.ALERTS, Topics.SILENCES)) {
            allowTopic(acls, alerter, AclOperation.READ, topic, PatternType.LITERAL);
        }
        for (String topic : List.of(Topics.ALERTS, Topics.NOTIFICATIONS_DLQ, Topics.ALERTER_DLQ)) {
            allowTopic(acls, alerter, AclOperation.WRITE, topic, PatternType.LITERAL);
        }
        allow(acls, alerter, AclOperation.READ, ResourceType.GROUP, "pgvigil-alerter", PatternType.LITERAL);
        return acls;
    }

    private static void allowTopic(List<AclBinding> acls, String principal, AclOperation op, String name, PatternType pattern) {
        allow(acls, principal, op, ResourceType.TOPIC, name, pattern);
    }

    private static void allow(List<AclBinding> acls, String principal, AclOperation op, ResourceType type, String name, PatternType pattern) {
        acls.add(new AclBinding(new ResourcePattern(type, name, pattern), new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
    }

    private static KafkaSettings settings(Path dir, EmbeddedKafka kafka, ThrowawayTls tls, String user, Path passwordFile) throws Exception {
        return ConfigFile.parse(user + ".yaml", kafkaSection(dir, kafka, tls, user, passwordFile)).section("kafka", KafkaSettings.class);
    }

    /** The {@code kafka} section of a configuration file for {@code user} on the secure listener. */
    static String kafkaSection(Path dir, EmbeddedKafka kafka, ThrowawayTls tls, String user, Path passwordFile) throws Exception {
        Path truststorePassword = Files.writeString(dir.resolve("truststore-password"), tls.password());
        return """
                kafka:
                  bootstrapServers: %s
                  partitions: 1
                  properties: {security.protocol: SASL_SSL, ssl.truststore.type: PKCS12, ssl.truststore.location: %s}
                  propertiesFile: {ssl.truststore.password: %s}
                  sasl: {username: %s, passwordFile: %s}
                """.formatted(kafka.secureBootstrapServers(), tls.truststore(), truststorePassword, user, passwordFile);
    }

    /** A record on {@code topic} that a read_committed reader sees: the analyzer's transactions commit under its ACLs. */
    private static void awaitCommittedRecord(EmbeddedKafka kafka, String topic, Duration timeout) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers(),
                "group.id", "acl-test", "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(Set.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!consumer.poll(Duration.ofMillis(500)).isEmpty()) {
                    return;
                }
            }
        }
        throw new AssertionError("no committed record on " + topic + " within " + timeout);
    }
}

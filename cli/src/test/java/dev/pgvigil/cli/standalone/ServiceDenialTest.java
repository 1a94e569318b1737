package dev.pgvigil.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.pgvigil.cli.PgvigilRun;
import dev.pgvigil.common.ExitCodes;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.embedded.ThrowawayTls;
import dev.pgvigil.schema.kafka.TopicSetup;
import dev.pgvigil.schema.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A missing ACL for what a service does after it started (publish a snapshot, join its consumer group) stops
 * {@code pgvigil collector}, {@code analyzer}, {@code alerter} and {@code standalone} with exit code 2 and one line naming what was
 * denied and who asked: no retry loop, no line per cycle, no stack trace. Each runs as its own user with
 * the ACLs of docs/kafka.md ({@link ServiceAclTest#acls()}) but one, on one secured cluster for the class.
 */
class ServiceDenialTest {
    private static final Duration STOPS_WITHIN = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    private static ThrowawayTls tls;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void cluster() throws Exception {
        tls = ThrowawayTls.create(dir);
        kafka = EmbeddedKafka.startTemporarySecured(1, new EmbeddedKafka.ClientSecurity(tls, true));
        try (var admin = kafka.admin()) { // the operator creates the topics
            TopicSetup.ensureAll(admin, 1, (short) 1);
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void collectorStopsWhenKafkaRefusesASnapshot() throws Exception {
        // a target that cannot be reached still publishes a FAILED snapshot each second: its envelope is refused
        Path config = config(Set.of("collector"), "denied-collector", ServiceDenialTest::isSnapshotsWrite, """
                collector:
                  httpEnabled: false
                  intervalSeconds: 1
                  targets: [{id: t, url: "postgresql://pgvigil@127.0.0.1:1/db", passwordFile: %s}]
                """.formatted(Files.writeString(dir.resolve("pg-password"), "pg")));

        PgvigilRun run = assertTimeoutPreemptively(STOPS_WITHIN, () -> PgvigilRun.of("collector", "--config", config.toString()));

        assertDeniedInOneLine(run, "denied-collector", Topics.SNAPSHOTS);
        assertThat(run.out()).as("the collector's log: no failure per cycle").doesNotContain("snapshot not published");
    }

    @Test
    void analyzerStopsWhenKafkaRefusesItsGroup() throws Exception {
        Path config = config(Set.of("analyzer"), "denied-analyzer", b -> b.pattern().resourceType() == ResourceType.GROUP, """
                http: {port: 0}
                analyzer: {stateDir: %s}
                """.formatted(dir.resolve("analyzer-state")));

        PgvigilRun run = assertTimeoutPreemptively(STOPS_WITHIN, () -> PgvigilRun.of("analyzer", "--config", config.toString()));

        // its dashboard's address comes first, at start; then the one line
        List<String> lines = run.err().strip().lines().filter(l -> !l.startsWith("Dashboard: ")).toList();
        assertDeniedInOneLine(new PgvigilRun(run.code(), run.out(), String.join("\n", lines)), "denied-analyzer", "pgvigil-analyzer");
        assertThat(run.out()).as("the analyzer's log: no stack trace").doesNotContain("stopped by an error");
    }

    @Test
    void alerterStopsWhenKafkaRefusesItsGroup() throws Exception {
        Path config = config(Set.of("alerter"), "denied-alerter", b -> false, """
                alerter: {httpEnabled: false, groupId: not-granted}
                """);

        PgvigilRun run = assertTimeoutPreemptively(STOPS_WITHIN, () -> PgvigilRun.of("alerter", "--config", config.toString()));

        assertDeniedInOneLine(run, "denied-alerter", "not-granted");
    }

    @Test
    void standaloneStopsWhenKafkaRefusesOneOfItsServices() throws Exception {
        Path config = config(Set.of("collector", "analyzer", "alerter"), "denied-standalone", ServiceDenialTest::isSnapshotsWrite, """
                http: {port: 0}
                analyzer: {stateDir: %s}
                alerter: {httpEnabled: false}
                collector:
                  httpEnabled: false
                  intervalSeconds: 1
                  targets: [{id: s, url: "postgresql://pgvigil@127.0.0.1:1/db", passwordFile: %s}]
                """.formatted(dir.resolve("standalone-state"), Files.writeString(dir.resolve("pg-password"), "pg")));

        PgvigilRun run = assertTimeoutPreemptively(STOPS_WITHIN,
                () -> PgvigilRun.of("standalone", "--brokers", "0", "--http-port", "0", "--config", config.toString()));

        // its progress ("Starting the collector ...") comes first; then the one line
        List<String> lines = run.err().strip().lines().filter(l -> l.startsWith("pgvigil: ")).toList();
        assertDeniedInOneLine(new PgvigilRun(run.code(), run.out(), String.join("\n", lines)), "denied-standalone", Topics.SNAPSHOTS);
        assertThat(run.err().strip()).as("the line is the last").endsWith(lines.get(0));
    }

    private static void assertDeniedInOneLine(PgvigilRun run, String user, String resource) {
        assertThat(run.code()).as(run.err()).isEqualTo(ExitCodes.USAGE_OR_CONNECTION);
        assertThat(run.err().strip().lines()).as("one line: " + run.err()).hasSize(1);
        assertThat(run.err().strip()).startsWith("pgvigil: Kafka denied access as user " + user + ": ")
                .contains(resource).endsWith("(grant the ACLs listed in docs/kafka.md, \"Least privilege\")")
                .doesNotContain("Exception");
    }

    /**
     * A configuration file for {@code user}, granted the ACLs of docs/kafka.md for {@code services} except those
     * {@code withheld}, with {@code sections} after the kafka section.
     */
    private static Path config(Set<String> services, String user, Predicate<AclBinding> withheld, String sections) throws Exception {
        String password = "pw-" + user + "-" + System.nanoTime();
        kafka.addScramUser(user, password);
        List<AclBinding> granted = ServiceAclTest.acls().stream()
                .filter(b -> services.contains(b.entry().principal().substring("User:pgvigil-".length())))
                .filter(withheld.negate())
                .map(b -> new AclBinding(b.pattern(), new AccessControlEntry("User:" + user, b.entry().host(), b.entry().operation(),
                        b.entry().permissionType())))
                .toList();
        assertThat(granted).as("the documented ACLs of " + services).isNotEmpty();
        try (var admin = kafka.admin()) {
            admin.createAcls(granted).all().get(30, TimeUnit.SECONDS);
        }
        Path passwordFile = Files.writeString(dir.resolve(user + ".password"), password);
        return Files.writeString(dir.resolve(user + ".yaml"), ServiceAclTest.kafkaSection(dir, kafka, tls, user, passwordFile) + sections);
    }

    private static boolean isSnapshotsWrite(AclBinding b) {
        return b.pattern().resourceType() == ResourceType.TOPIC && b.pattern().name().equals(Topics.SNAPSHOTS)
                && b.entry().operation() == AclOperation.WRITE;
    }
}

package dev.pgvigil.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.collector.cli.TargetsCommand;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.collector.fleet.Fencing;
import dev.pgvigil.collector.fleet.TargetsPlan;
import dev.pgvigil.collector.fleet.TargetsTopic;
import dev.pgvigil.collector.publish.KafkaSnapshotPublisher;
import dev.pgvigil.collector.publish.SnapshotRecords;
import dev.pgvigil.collector.publish.StatusRecords;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.http.HttpSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collectors as one consumer group on pgvigil.targets, with a real broker and a real PostgreSQL: they
 * share the fleet, pick up a target added on the topic, drop a removed one, take over a departed
 * collector's targets; a member that left the group cannot publish (its transaction is refused).
 */
class CollectorGroupTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static LocalPostgres pg;
    static EmbeddedKafka kafka;
    static KafkaSettings settings;
    static Path password;

    @BeforeAll
    static void start() throws Exception {
        pg = LocalPostgres.start();
        pg.execute("postgres", "CREATE ROLE monitor LOGIN PASSWORD 'monitor-pw-1'", "GRANT pg_monitor TO monitor");
        password = dir.resolve("monitor.pw");
        Files.writeString(password, "monitor-pw-1\n");
        kafka = EmbeddedKafka.startTemporary();
        settings = new KafkaSettings(kafka.bootstrapServers(), null, 1, null);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private static TargetConfig target(String id) {
        return new TargetConfig(id, "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres", "monitor", null, null, password.toString(),
                null, Map.of(), null, null);
    }

    private static CollectorConfig config(String group, List<TargetConfig> fileTargets) {
        return config(group, fileTargets, 2);
    }

    private static CollectorConfig config(String group, List<TargetConfig> fileTargets, int intervalSeconds) {
        return new CollectorConfig(intervalSeconds, null, null, null, null, 2, null, null, null, null, null, null, fileTargets, false, null,
                group);
    }

    /** A collector that died a moment after a cycle: the one that takes its target over waits for the rest of that interval. */
    @Test
    void aTargetResumesOneIntervalAfterItsLastCycleOnAnotherCollector() throws Exception {
        KafkaSnapshotPublisher.ensureTopics(settings);
        Instant lastCycle = Instant.now();
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(settings.clientProperties(),
                new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            dev.pgvigil.schema.TargetStatus status = dev.pgvigil.schema.TargetStatus.newBuilder().setCollector("pgvigil-collector-gone")
                    .setLastCycleAt(lastCycle).build();
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.TARGETS_STATUS, "resume-1",
                    Serdes.targetStatus().serialize(Topics.TARGETS_STATUS, status))).get();
        }
        Collector c = new Collector(config("resume", List.of(target("resume-1"), target("resume-new")), 10), settings);
        try (StatsTopics out = new StatsTopics(kafka.bootstrapServers())) {
            c.start();
            Instant started = Instant.now();
            SnapshotInfo fresh = out.await(i -> i.getRef().getInstanceId().equals("resume-new"), WAIT, "of the target never collected");
            assertThat(Duration.between(started, fresh.getRef().getCollectedAt())).as("a target without a last cycle starts at once")
                    .isLessThan(Duration.ofSeconds(8));
            SnapshotInfo resumed = out.await(i -> i.getRef().getInstanceId().equals("resume-1"), WAIT, "of the target taken over");
            assertThat(resumed.getRef().getCollectedAt()).isAfterOrEqualTo(lastCycle.plusSeconds(10));
        } finally {
            c.close();
            TargetsTopic topic = new TargetsTopic(settings); // the other tests' collectors read the same targets topic
            topic.write(TargetsPlan.removal("resume-1"));
            topic.write(TargetsPlan.removal("resume-new"));
        }
    }

    @Test
    void collectorsShareTheFleetFollowTheTopicAndTakeOver() throws Exception {
        List<TargetConfig> fleet = new ArrayList<>(IntStream.rangeClosed(1, 8).mapToObj(i -> target("share-" + i)).toList());
        // nothing listens there: its cycles fail, and its last error is what 'targets list' must show
        fleet.add(new TargetConfig("share-down", "jdbc:postgresql://127.0.0.1:" + ClosedPort.any() + "/postgres", "monitor", null, null,
                password.toString(), null, Map.of(), null, null));
        TargetsTopic topic = new TargetsTopic(settings);
        Collector a = new Collector(config("share", fleet), settings); // its file's targets go on the topic at start
        Collector b = new Collector(config("share", List.of()), settings);
        try (StatsTopics out = new StatsTopics(kafka.bootstrapServers())) {
            a.start();
            b.start();
            Set<String> ids = new HashSet<>(fleet.stream().map(TargetConfig::id).toList());
            await(() -> union(a, b).equals(ids) && !a.targets().isEmpty() && !b.targets().isEmpty(), "both collectors share the 9 targets");
            assertThat(a.targets()).doesNotContainAnyElementsOf(b.targets());
            for (String id : ids) {
                out.await(i -> i.getRef().getInstanceId().equals(id), WAIT, "of " + id);
            }

            // 'pgvigil targets list': each target's owner, last cycle and last error, from pgvigil.targets.status
            await(() -> topic.statuses().keySet().containsAll(ids), "a status for every target");
            String list = targetsList();
            for (String id : ids) {
                String row = list.lines().filter(l -> l.startsWith(id + " ")).findFirst().orElseThrow(() -> new AssertionError(id + " not in\n" + list));
                assertThat(row).as(list).contains((a.targets().contains(id) ? a : b).name()).containsPattern("\\d+ s ago");
                assertThat(row).as(list).doesNotContain((a.targets().contains(id) ? b : a).name());
                if (id.equals("share-down")) {
                    assertThat(row).contains("cannot connect to").doesNotContain("monitor-pw-1");
                } else {
                    assertThat(row).endsWith(" -"); // no error
                }
            }
            assertThat(list).contains("9 target(s)").doesNotContain("\u001B["); // piped: no colour

            // a target added on the topic is collected within an interval, with no restart
            long addedAt = System.nanoTime();
            topic.write(TargetsPlan.of(topic.read(), List.of(target("share-new")), false));
            out.await(i -> i.getRef().getInstanceId().equals("share-new"), WAIT, "of the added target");
            // one 2 s interval, plus slack for a shared 2-core machine running other suites (8 s was seen there)
            assertThat(Duration.ofNanos(System.nanoTime() - addedAt)).isLessThan(Duration.ofSeconds(2 + 13));

            // a removed one stops, and its status goes with it
            topic.write(TargetsPlan.removal("share-1"));
            await(() -> !union(a, b).contains("share-1"), "share-1 no longer collected");
            await(() -> !topic.statuses().containsKey("share-1"), "share-1's status removed");
            Thread.sleep(2_500); // a cycle already running may still end
            long before = count(out, "share-1");
            Thread.sleep(5_000);
            assertThat(count(out, "share-1")).as("envelopes of a removed target").isEqualTo(before);

            // a collector that leaves: the other takes its targets over, well within the session timeout
            Set<String> moved = a.targets();
            Instant closedAt = Instant.now();
            a.close();
            await(() -> b.targets().containsAll(moved), "b took over a's targets");
            for (String id : moved) {
                out.await(i -> i.getRef().getInstanceId().equals(id) && i.getRef().getCollectedAt().isAfter(closedAt), WAIT,
                        "of " + id + " from the collector that took it over");
            }
            assertThat(Duration.between(closedAt, Instant.now())).isLessThan(Duration.ofSeconds(20));
            // and resumes each one interval (2 s) after its last cycle on a, not at once: no interval gets two snapshots
            for (String id : moved) {
                Instant lastOnA = cycles(out, id, a.name()).stream().max(Instant::compareTo).orElseThrow();
                Instant firstOnB = cycles(out, id, b.name()).stream().min(Instant::compareTo).orElseThrow();
                assertThat(Duration.between(lastOnA, firstOnB)).as(id).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            }
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void aMemberThatLeftTheGroupCannotPublish() throws Exception {
        new TargetsTopic(settings).ensure();
        KafkaSnapshotPublisher.ensureTopics(settings);
        ConsumerGroupMetadata stale;
        try (KafkaConsumer<String, byte[]> zombie = member("fence")) {
            stale = awaitJoined(zombie);
        }
        try (KafkaConsumer<String, byte[]> successor = member("fence")) {
            ConsumerGroupMetadata current = awaitJoined(successor);
            assertThat(current.generationId()).isGreaterThan(stale.generationId());
            Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(new TopicPartition(Topics.TARGETS, 0), new OffsetAndMetadata(0));

            String zombieSnapshot = publishWith(new Fencing.Fence(stale, offsets), false);
            String ownerSnapshot = publishWith(new Fencing.Fence(current, offsets), true);

            // the zombie's records were aborted (or never left its producer): no read_committed consumer sees them
            assertThat(envelopes()).contains(ownerSnapshot).doesNotContain(zombieSnapshot);
        }
    }

    @Test
    void aFileTargetWithAPasswordIsCollectedHereButNeverReachesTheTopic() throws Exception {
        TargetsTopic topic = new TargetsTopic(settings);
        TargetConfig inUrl = new TargetConfig("secret-url", "postgresql://monitor:monitor-pw-1@127.0.0.1:" + pg.port() + "/postgres", null,
                null, null, null, null, null, null, null);
        TargetConfig downInUrl = new TargetConfig("secret-down", "postgresql://monitor:monitor-pw-1@127.0.0.1:" + ClosedPort.any() + "/postgres",
                null, null, null, null, null, null, null, null);
        try (Collector c = new Collector(config("secret", List.of(target("fine-one"), inUrl, downInUrl)), settings);
             StatsTopics out = new StatsTopics(kafka.bootstrapServers())) {
            c.start();
            out.await(i -> i.getRef().getInstanceId().equals("secret-url") && i.getError() == null, WAIT, "of the pinned target");
            out.await(i -> i.getRef().getInstanceId().equals("fine-one"), WAIT, "of the shared target");
            Map<String, dev.pgvigil.schema.Target> onTopic = topic.read();
            assertThat(onTopic).containsKey("fine-one").doesNotContainKey("secret-url");
            assertThat(onTopic.toString()).doesNotContain("monitor-pw-1");
            await(() -> topic.statuses().containsKey("secret-down") && topic.statuses().get("secret-down").getLastError() != null,
                    "the unreachable pinned target's status");
            assertThat(topic.statuses().get("secret-down").getLastError().toString()).contains("cannot connect").doesNotContain("monitor-pw-1");
            assertThatThrownBy(() -> TargetsPlan.of(onTopic, List.of(inUrl), false))
                    .hasMessageContaining("secret-url").hasMessageContaining("passwordEnv").hasMessageNotContaining("monitor-pw-1");
        } finally {
            topic.write(TargetsPlan.removal("fine-one"));
        }
    }

    @Test
    void theHttpApiChangesTheFleetWithTheTokenAndRefusesBadInputLikeTheCommand() throws Exception {
        Path tokenFile = dir.resolve("http.token");
        Files.writeString(tokenFile, "s3cret-token\n");
        CollectorConfig withHttp = config("http", List.of()).withHttp(new HttpSettings("127.0.0.1", 0, null, tokenFile, 2, null));
        TargetsTopic topic = new TargetsTopic(settings);
        KafkaSnapshotPublisher.ensureTopics(settings); // before StatsTopics looks for them
        try (Collector c = new Collector(withHttp, settings); StatsTopics out = new StatsTopics(kafka.bootstrapServers())) {
            c.start();
            assertThat(c.awaitAssignment(WAIT)).isTrue();
            URI api = c.endpoint().orElseThrow().resolve("/api/targets");
            String body = "{\"id\":\"http-1\",\"url\":\"jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres\",\"user\":\"monitor\","
                    + "\"passwordFile\":\"" + password + "\"}";

            assertThat(send("POST", api, body, null).statusCode()).as("no token").isEqualTo(401);
            assertThat(send("POST", api, body, "wrong").statusCode()).as("wrong token").isEqualTo(401);
            // the command's checks, answered as 400s naming the problem; the secret is never echoed
            assertBadRequest(api, "{\"id\":\"not ok!\",\"url\":\"postgresql://monitor@db1/a\"}", "id 'not ok!' must be");
            assertBadRequest(api, "{\"id\":\"bad-url\",\"url\":\"mysql://db1/a\",\"user\":\"u\"}", "url");
            HttpResponse<String> leaky = assertBadRequest(api, "{\"id\":\"leaky\",\"url\":\"postgresql://monitor:hunter2@db1/a\"}",
                    "password in the url");
            assertThat(leaky.body()).contains("passwordEnv").doesNotContain("hunter2");
            assertBadRequest(api, "{\"id\":\"typo\",\"url\":\"postgresql://monitor@db1/a\",\"pasword\":\"x\"}", "unknown field 'pasword'");
            assertThat(topic.read()).doesNotContainKeys("not ok!", "bad-url", "leaky", "typo");

            // added with the token: collected within one interval (2 s), with no restart
            Instant addedAt = Instant.now();
            HttpResponse<String> added = send("POST", api, body, "s3cret-token");
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
            assertThat(added.body()).contains("+ http-1");
            SnapshotInfo first = out.await(i -> i.getRef().getInstanceId().equals("http-1"), WAIT, "of the target added over HTTP");
            // its first cycle began within the interval (plus the group's poll and the start offset, and slack for a loaded machine)
            assertThat(Duration.between(addedAt, first.getRef().getCollectedAt())).isLessThan(Duration.ofSeconds(2 + 5));
            assertBadRequest(api, body, "already on the topic");

            // listed with its owner and last cycle
            await(() -> c.name().equals(listed(api, "http-1").path("owner").asText()), "http-1's owner listed");
            var listed = listed(api, "http-1");
            assertThat(listed.path("lastCycleAt").asText()).isNotEmpty();
            assertThat(listed.path("lastStatus").asText()).isIn("OK", "PARTIAL"); // PARTIAL: no pg_stat_statements here
            assertThat(listed.path("lastError").isNull()).isTrue();

            // removal needs the token; with it, collection stops within an interval
            URI one = api.resolve("/api/targets/http-1");
            assertThat(send("DELETE", one, null, null).statusCode()).isEqualTo(401);
            assertThat(topic.read()).containsKey("http-1");
            HttpResponse<String> removed = send("DELETE", one, null, "s3cret-token");
            assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
            assertThat(removed.body()).contains("- http-1");
            long removedAt = System.nanoTime();
            await(() -> !c.targets().contains("http-1"), "http-1 no longer collected");
            assertThat(Duration.ofNanos(System.nanoTime() - removedAt)).isLessThan(Duration.ofSeconds(2 + 3));
            Thread.sleep(2_500); // a cycle already running may still end
            long before = count(out, "http-1");
            Thread.sleep(3_000);
            assertThat(count(out, "http-1")).as("envelopes of a target removed over HTTP").isEqualTo(before);
            assertThat(send("DELETE", one, null, "s3cret-token").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aCollectorPausedPastItsSessionTimeoutLosesItsTargetsAndCannotPublishWhenItResumes() throws Exception {
        TargetsTopic topic = new TargetsTopic(settings);
        topic.ensure();
        KafkaSnapshotPublisher.ensureTopics(settings);
        List<TargetConfig> paused = IntStream.rangeClosed(1, 4).mapToObj(i -> target("paused-" + i)).toList();
        topic.write(TargetsPlan.of(topic.read(), paused, false));
        Path ready = dir.resolve("paused-collector.name");
        Path childLog = dir.resolve("paused-collector.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), CollectorProcess.class.getName(), kafka.bootstrapServers(), "pause", ready.toString())
                .redirectErrorStream(true).redirectOutput(childLog.toFile()).start();
        try (Collector b = new Collector(config("pause", List.of()), settings)) {
            await(() -> Files.exists(ready) || !child.isAlive(), "the collector in its own JVM started");
            assertThat(child.isAlive()).as(Files.readString(childLog)).isTrue();
            String zombie = Files.readString(ready);
            b.start();
            // both collect: the other JVM has written the status of a target b does not hold
            await(() -> {
                Set<String> others = new HashSet<>(topic.read().keySet());
                others.removeAll(b.targets());
                var statuses = topic.statuses();
                return !b.targets().isEmpty() && others.stream().anyMatch(id -> statuses.containsKey(id)
                        && statuses.get(id).getCollector().toString().equals(zombie));
            }, "both collectors collect");

            signal("STOP", child);
            Instant pausedAt = Instant.now();
            await(() -> b.targets().containsAll(topic.read().keySet()), "b took over the paused collector's targets");
            assertThat(Duration.between(pausedAt, Instant.now())).isLessThan(Duration.ofSeconds(30));
            // the paused JVM writes nothing while stopped: whatever follows these offsets it wrote after resuming
            Map<TopicPartition, Long> beforeResume = endOffsets(Topics.TARGETS_STATUS);

            signal("CONT", child);
            // its ticks fire, its cycles run, and it finds itself out of the group (then it may join again, as a new member)
            await(() -> text(childLog).contains("lost"), "the resumed collector noticed it lost its partitions");
            String lostLine = text(childLog).lines().filter(l -> l.contains("lost")).findFirst().orElseThrow();
            Instant lostAt = java.time.LocalTime.parse(lostLine.substring(0, 12)).atDate(java.time.LocalDate.now())
                    .atZone(java.time.ZoneId.systemDefault()).toInstant();
            Thread.sleep(3_000);
            // nothing it collected before it knew it was out (paused, or resumed a zombie) was committed after it resumed
            List<String> late = committedFrom(Topics.TARGETS_STATUS, beforeResume).stream()
                    .filter(s -> s.getCollector().toString().equals(zombie) && s.getLastCycleAt().isBefore(lostAt))
                    .map(s -> s.toString()).toList();
            assertThat(late).as("statuses (and so snapshots: one transaction) of the zombie committed after it resumed").isEmpty();
        } finally {
            child.destroy(); // SIGTERM: it leaves the group and closes its producers
            if (!child.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
            topic.write(new TargetsPlan(List.of(), List.of(), paused.stream().map(TargetConfig::id).toList(), 0));
        }
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void signal(String signal, Process process) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start().waitFor()).isZero();
    }

    private static Map<TopicPartition, Long> endOffsets(String topic) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"), new StringDeserializer(), new ByteArrayDeserializer())) {
            return c.endOffsets(c.partitionsFor(topic).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList());
        }
    }

    /** The committed TargetStatus records of {@code topic} from {@code offsets} up to its end now (tombstones left out). */
    private static List<dev.pgvigil.schema.TargetStatus> committedFrom(String topic, Map<TopicPartition, Long> offsets) {
        List<dev.pgvigil.schema.TargetStatus> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            c.assign(offsets.keySet());
            offsets.forEach(c::seek);
            Map<TopicPartition, Long> end = c.endOffsets(offsets.keySet()); // read_committed: the last stable offset
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (offsets.keySet().stream().anyMatch(p -> c.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(300)).forEach(r -> {
                    if (r.value() != null && r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        found.add(Serdes.targetStatus().deserialize(r.topic(), r.value()));
                    }
                });
            }
        }
        return found;
    }

    /** The target {@code id} as GET /api/targets lists it (a missing node when it is not listed). */
    private static com.fasterxml.jackson.databind.JsonNode listed(URI api, String id) {
        HttpResponse<String> r = send("GET", api, null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try {
            for (var t : new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body())) {
                if (t.path("id").asText().equals(id)) {
                    return t;
                }
            }
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> assertBadRequest(URI api, String body, String says) {
        HttpResponse<String> r = send("POST", api, body, "s3cret-token");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains(says);
        return r;
    }

    private static HttpResponse<String> send(String method, URI uri, String body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Publishes a one-envelope snapshot fenced by {@code fence}; returns its snapshot id. */
    private static String publishWith(Fencing.Fence fence, boolean expectCommitted) throws Exception {
        SnapshotRef ref = new SnapshotRef("fenced-target", UUID.randomUUID().toString(), Instant.now());
        try (KafkaSnapshotPublisher publisher = new KafkaSnapshotPublisher(settings, Duration.ofSeconds(10), id -> fence, "fence",
                KafkaSnapshotPublisher.Batching.NONE,
                new StatusRecords("test-collector"))) {
            var publication = SnapshotRecords.failed(ref, Map.of(), "test", Duration.ZERO);
            if (expectCommitted) {
                publisher.publish(publication);
            } else {
                assertThatThrownBy(() -> publisher.publish(publication)).isInstanceOf(KafkaSnapshotPublisher.PublishException.class)
                        .hasMessageContaining("fenced");
            }
        }
        return ref.getSnapshotId();
    }

    private static KafkaConsumer<String, byte[]> member(String group) {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(Topics.TARGETS));
        return c;
    }

    private static ConsumerGroupMetadata awaitJoined(KafkaConsumer<String, byte[]> c) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (c.assignment().isEmpty() && System.nanoTime() < deadline) {
            c.poll(Duration.ofMillis(200));
        }
        assertThat(c.assignment()).isNotEmpty();
        return c.groupMetadata();
    }

    private static List<String> envelopes() {
        List<String> ids = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(Topics.SNAPSHOTS).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            for (int empty = 0; empty < 5; ) {
                var batch = c.poll(Duration.ofMillis(300));
                empty = batch.isEmpty() ? empty + 1 : 0;
                batch.forEach(r -> {
                    SnapshotInfo info = Serdes.snapshotInfo().deserialize(r.topic(), r.value());
                    ids.add(info.getRef().getSnapshotId());
                });
            }
        }
        return ids;
    }

    /** {@code pgvigil targets list} against the test's broker, its output as a pipe sees it. */
    private static String targetsList() throws Exception {
        Path config = dir.resolve("list.yaml");
        Files.writeString(config, "kafka:\n  bootstrapServers: " + kafka.bootstrapServers() + "\n");
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int exit = new picocli.CommandLine(new TargetsCommand()).setOut(new java.io.PrintWriter(out)).setErr(new java.io.PrintWriter(err))
                .execute("list", "-c", config.toString());
        assertThat(exit).as(err.toString()).isZero();
        return out.toString();
    }

    private static Set<String> union(Collector a, Collector b) {
        Set<String> all = new HashSet<>(a.targets());
        all.addAll(b.targets());
        return all;
    }

    /** When the cycles of {@code id} that {@code collector} ran began, from the statuses published with them. */
    private static List<Instant> cycles(StatsTopics out, String id, String collector) {
        return out.raw(Topics.TARGETS_STATUS).stream().filter(r -> id.equals(r.key()) && r.value() != null)
                .map(r -> Serdes.targetStatus().deserialize(r.topic(), r.value()))
                .filter(st -> st.getCollector().equals(collector)).map(st -> st.getLastCycleAt()).toList();
    }

    private static long count(StatsTopics out, String id) {
        return out.envelopes().stream().filter(i -> i.getRef().getInstanceId().equals(id)).count();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(200);
        }
    }
}

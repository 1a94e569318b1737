package dev.pgvigil.advisor.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.advisor.testing.Cli;
import dev.pgvigil.advisor.testing.Shop;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.schema.BaselineSet;
import dev.pgvigil.schema.BaselineStatement;
import dev.pgvigil.schema.BaselineTable;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.TopicSetup;
import dev.pgvigil.schema.kafka.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Baselines on the pgvigil.baselines topic of a real broker: shown and compared with the shop database of a real
 * cluster; created by a request to the analyzer (the end-to-end run with the analyzer is the cli module's BaselineEndToEndTest).
 */
@ExtendWith(Shop.class)
class BaselineTopicTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.startTemporary();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static Cli.Result baseline(String instanceId, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of(Shop.target(Shop.DATABASE)));
        a.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--instance-id", instanceId));
        return Cli.run(new BaselineCommand(), a.toArray(String[]::new));
    }

    static List<String> names(JsonNode list) {
        return StreamSupport.stream(list.spliterator(), false).map(b -> b.path("name").asText()).toList();
    }

    /** The last value of {@code key} on {@code topic}, read independently of the command; null when there is none. */
    static byte[] lastValue(String topic, String key) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            byte[] last = null;
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        last = r.value();
                    }
                }
            }
            return last;
        }
    }

    @Test
    void aBaselineTheAnalyzerPublishedIsShownAndCompared() throws Exception {
        // as the analyzer publishes it (the topic's only writer)
        dev.pgvigil.schema.Baseline fromAnalyzer = new dev.pgvigil.schema.Baseline("deploy-42", Instant.parse("2026-01-01T00:00:00Z"),
                Map.of("database_size_bytes", 1000.0, "database_count", 3.0, "table_count", 1.0, "statement_count", 7.0),
                List.of(new BaselineTable("public.customers", 500L, 10L)), List.of(new BaselineStatement(1L, "SELECT 1", 5L, 0.5)));
        try (KafkaProducer<String, BaselineSet> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(), Serdes.baselines().serializer())) {
            TopicSetup.ensure(kafka.admin(), TopicSetup.all().stream().filter(t -> t.name().equals(Topics.BASELINES)).toList(), 1, (short) 1);
            p.send(new ProducerRecord<>(Topics.BASELINES, "prod-1", new BaselineSet("prod-1", List.of(fromAnalyzer)))).get();
        }

        Cli.Result show = baseline("prod-1", "show", "--json");
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(names(JSON.readTree(show.out()))).containsExactly("deploy-42");

        Cli.Result compare = baseline("prod-1", "compare", "--json");
        assertThat(compare.exitCode()).as(compare.err()).isIn(0, 1);
        JsonNode cmp = JSON.readTree(compare.out()).path("comparison");
        assertThat(cmp.path("baselineName").asText()).isEqualTo("deploy-42");
        JsonNode size = StreamSupport.stream(cmp.path("metrics").spliterator(), false)
                .filter(m -> m.path("metric").asText().equals("database_size_bytes")).findFirst().orElseThrow();
        assertThat(size.path("baseline").asDouble()).isEqualTo(1000.0);
        assertThat(size.path("direction").asText()).isEqualTo("UP");
        assertThat(cmp.path("tables").toString()).contains("public.customers");
        assertThat(baseline("prod-1", "compare", "--name", "nope").exitCode()).isEqualTo(2);
    }

    @Test
    void createAsksTheAnalyzerAndSaysSoWhenNoneAnswers() throws Exception {
        long start = System.nanoTime();
        Cli.Result create = baseline("lonely", "create", "--name", "before-upgrade", "--wait", "3s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(create.exitCode()).isEqualTo(2);
        assertThat(create.err()).contains("the analyzer did not publish baseline 'before-upgrade' of lonely").contains("within 3s")
                .contains(Topics.BASELINE_REQUESTS);
        // the request is where the analyzer takes it from, and the command wrote nothing to pgvigil.baselines
        assertThat(lastValue(Topics.BASELINE_REQUESTS, "lonely")).isEqualTo("before-upgrade".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(lastValue(Topics.BASELINES, "lonely")).isNull();

        Cli.Result noId = Cli.run(new BaselineCommand(), "create", Shop.target(Shop.DATABASE)[0], Shop.target(Shop.DATABASE)[1],
                "--bootstrap-servers", kafka.bootstrapServers(), "--name", "x");
        assertThat(noId.exitCode()).isEqualTo(2);
        assertThat(noId.err()).contains("--instance-id is required");
        assertThat(baseline("lonely", "create", "--name", "../x").err()).contains("--name: use 1 to 64 letters");
    }

    @Test
    void anUnreachableKafkaIsAClearErrorQuickly() {
        for (String command : List.of("show", "create")) {
            long start = System.nanoTime();
            Cli.Result r = Cli.run(new BaselineCommand(), List.of(List.of(command), List.of(Shop.target(Shop.DATABASE)),
                    List.of("--bootstrap-servers", "127.0.0.1:1", "--kafka-timeout", "2s", "--instance-id", "x")).stream().flatMap(List::stream).toArray(String[]::new));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(r.exitCode()).as(command).isEqualTo(2);
            assertThat(r.err()).as(command).contains("pgvigil " + command + ": cannot").contains("pgvigil.baselines on 127.0.0.1:1");
            assertThat(took).as(command).isLessThan(Duration.ofSeconds(15));
        }
        Cli.Result both = Cli.run(new BaselineCommand(), List.of(List.of("show", "--file", "x.json", "--bootstrap-servers", "127.0.0.1:1"),
                List.of(Shop.target(Shop.DATABASE))).stream().flatMap(List::stream).toArray(String[]::new));
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("exclude each other");
    }
}

package dev.pgvigil.analyzer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvigil.common.ExitCodes;
import dev.pgvigil.common.cli.KafkaOptions;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.schema.kafka.AvroJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pgvigil tail TOPIC}: any pgvigil topic as JSON lines on stdout, one record per line, for people
 * and scripts. Reads without a consumer group, so it never moves anyone's offsets.
 */
@Command(name = "tail",
        header = "Print a pgvigil topic as JSON lines.", mixinStandardHelpOptions = true,
        description = {
                "Print the records of a pgvigil topic as JSON lines (timestamps in ISO-8601), following new ones. "
                        + "Topics: pgvigil.snapshots, pgvigil.stats.*, pgvigil.metrics, pgvigil.rollups.1m|1h, "
                        + "pgvigil.violations, pgvigil.findings, pgvigil.baselines, pgvigil.alerts, the dead letter topics, ..."},
        footer = {"", "Examples:",
                "  pgvigil tail pgvigil.violations --config pgvigil.yaml",
                "pgvigil tail pgvigil.findings --from-beginning --max 20 --instance shop-primary --bootstrap-servers "
                        + "localhost:9092",
                "", "Exit codes: 0 done, 2 unknown topic, bad configuration or unreachable Kafka."})
public final class TailCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic, e.g. pgvigil.violations.")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the oldest record kept (default: only new records).")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
    Integer max;

    @Option(names = "--instance", paramLabel = "ID", description = "Only records of this instance (the record key).")
    String instance;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop when no record came for this long (default: follow until stopped).")
    Integer timeoutSeconds;

    @Mixin
    KafkaOptions cluster;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Function<ConsumerRecord<String, byte[]>, ObjectNode> render = TopicPayloads.renderer(topic);
        if (render == null) {
            err.println("pgvigil tail: unknown topic '" + topic + "'; known: " + String.join(", ", TopicPayloads.known()));
            return ExitCodes.USAGE_OR_CONNECTION;
        }
        KafkaSettings kafka = cluster.settings();
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // the analyzer writes in transactions
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "pgvigil-tail");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15));
            if (partitions == null || partitions.isEmpty()) {
                err.println("pgvigil tail: topic " + topic + " does not exist on " + kafka.bootstrapServers());
                return ExitCodes.USAGE_OR_CONNECTION;
            }
            List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(assigned);
            if (fromBeginning) {
                consumer.seekToBeginning(assigned);
            } else {
                consumer.seekToEnd(assigned);
            }
            int printed = 0;
            long idleSince = System.nanoTime();
            while (max == null || printed < max) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    if (timeoutSeconds != null && System.nanoTime() - idleSince > timeoutSeconds * 1_000_000_000L) {
                        break;
                    }
                    continue;
                }
                idleSince = System.nanoTime();
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (instance != null && !instance.equals(r.key())) {
                        continue;
                    }
                    JsonNode line;
                    try {
                        line = render.apply(r);
                    } catch (RuntimeException e) {
                        err.println("pgvigil tail: record " + r.partition() + "@" + r.offset() + " cannot be decoded: " + e.getMessage());
                        continue;
                    }
                    out.println(AvroJson.write(line, false));
                    out.flush();
                    if (max != null && ++printed >= max) {
                        break;
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            err.println("pgvigil tail: cannot reach Kafka at " + kafka.bootstrapServers() + ": " + e.getMessage());
            return ExitCodes.USAGE_OR_CONNECTION;
        }
        return ExitCodes.OK;
    }
}

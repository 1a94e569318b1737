package dev.pgvigil.bench.sidebyside;

import dev.pgvigil.embedded.BrokerProcess;
import dev.pgvigil.embedded.ServiceProcess;
import dev.pgvigil.schema.kafka.TopicSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Stack B: one embedded Kafka broker in a JVM of its own, and pgvigil's collector, analyzer and alerter, each a
 * JVM started as {@code pgvigil <service> --config FILE}, the alerter sending to the receiver. The measured JVMs
 * get a 384 MiB heap and the serial collector (as the drill sizes them) but full JIT: C1 alone would make the
 * steady state cost more CPU than it does in production.
 */
final class PgvigilStack implements Stack {
    private static final List<String> JVM = List.of("-Xmx384m", "-XX:+UseSerialGC");

    private final List<ServiceProcess> processes = new ArrayList<>();
    private final Path brokerData;

    /** @param sizeRefreshSeconds the collector's {@code sizeRefreshSeconds}, or null for its default */
    PgvigilStack(String targetsYaml, String webhook, Path dir, Integer sizeRefreshSeconds) throws IOException {
        Files.createDirectories(dir);
        BrokerProcess.Running broker = BrokerProcess.start("broker", dir, 0, "768m");
        processes.add(broker.process());
        brokerData = dir.resolve("broker-data");
        String kafka = """
                kafka:
                  bootstrapServers: %s
                  partitions: 1
                  replicationFactor: 1
                """.formatted(broker.bootstrapServers());
        service("collector", dir, kafka + """
                collector:
                  intervalSeconds: %d
                  sizeRefreshSeconds: %s
                  httpEnabled: false
                  targets:
                %s""".formatted(AlertRules.INTERVAL_SECONDS, sizeRefreshSeconds == null ? "null" : sizeRefreshSeconds, targetsYaml));
        service("analyzer", dir, kafka + """
                analyzer:
                  stateDir: %s
                  assumedIntervalSeconds: %d
                %shttp: {port: 0}
                """.formatted(dir.resolve("analyzer-state"), AlertRules.INTERVAL_SECONDS, AlertRules.analyzerYaml()));
        service("alerter", dir, kafka + """
                alerter:
                  groupWait: %s
                  groupInterval: %s
                  repeatInterval: 4h
                  webhooks: [{name: bench, url: "%s", timeout: 15s}]
                  httpEnabled: false
                """.formatted(SideBySide.GROUP_WAIT, SideBySide.GROUP_INTERVAL, webhook));
    }

    private void service(String name, Path dir, String yaml) throws IOException {
        Path config = Files.writeString(dir.resolve(name + ".yaml"), yaml);
        processes.add(ServiceProcess.start(name, dir, JVM, "dev.pgvigil.cli.Main", name, "--config", config.toString()));
    }

    @Override
    public String id() {
        return "B";
    }

    @Override
    public Map<String, Long> processes() {
        Map<String, Long> pids = new LinkedHashMap<>();
        processes.forEach(p -> pids.put(p.name(), p.pid()));
        return pids;
    }

    /**
     * The broker's log segments ({@code .log}), every topic. Not the offset and time indexes: Kafka preallocates
     * them at 10 MiB per partition, so a new topic would count 20 MiB it has not written.
     */
    @Override
    public long storedBytes() {
        return SideBySide.bytesUnder(brokerData, ".log");
    }

    /** The longest retention of pgvigil's topics (the 1 h rollups and violations: 30 days). */
    @Override
    public double retentionDays() {
        return TopicSetup.all().stream().map(s -> s.configs().get("retention.ms")).filter(v -> v != null)
                .mapToDouble(v -> Long.parseLong(v) / 86_400_000.0).max().orElse(7);
    }

    /** Bytes per topic so far (pgvigil's topics, the analyzer's changelogs and Kafka's own, partitions summed). */
    @Override
    public Map<String, Long> perCycle() {
        Map<String, Long> bytes = new LinkedHashMap<>();
        if (!Files.isDirectory(brokerData)) {
            return bytes;
        }
        // <data>/kraft/<topic>-<partition>/
        try (Stream<Path> dirs = Files.walk(brokerData, 2)) {
            dirs.filter(Files::isDirectory).filter(p -> p.getFileName().toString().matches(".+-\\d+"))
                    .filter(p -> !p.getFileName().toString().startsWith("__cluster_metadata"))
                    .forEach(p -> bytes.merge("bytes " + p.getFileName().toString().replaceAll("-\\d+$", ""), SideBySide.bytesUnder(p, ".log"), Long::sum));
        } catch (IOException | java.io.UncheckedIOException e) {
            return bytes; // a segment deleted while walking: this reading is skipped
        }
        return bytes;
    }

    @Override
    public void close() {
        // services first, so none of them waits on a broker that is gone
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
    }
}

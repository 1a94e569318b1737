package dev.pgvigil.collector;

import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.common.config.KafkaSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A collector alone in a JVM, for tests that must stop a whole process (SIGSTOP) while the test's own
 * collectors run on. Arguments: bootstrap servers, group id, a file to write the collector's name to once started.
 */
public final class CollectorProcess {
    private CollectorProcess() {}

    public static void main(String[] args) throws Exception {
        KafkaSettings kafka = new KafkaSettings(args[0], null, 1, null);
        CollectorConfig config = new CollectorConfig(2, null, null, null, null, 2, null, null, null, null, null, null, List.of(), false, null, args[1]);
        Collector collector = new Collector(config, kafka);
        Runtime.getRuntime().addShutdownHook(new Thread(collector::close)); // SIGTERM: leave the group, end transactions
        collector.start();
        Path ready = Path.of(args[2]);
        Files.writeString(Path.of(args[2] + ".tmp"), collector.name());
        Files.move(Path.of(args[2] + ".tmp"), ready); // whole, or not at all
        Thread.currentThread().join(); // until killed
    }
}

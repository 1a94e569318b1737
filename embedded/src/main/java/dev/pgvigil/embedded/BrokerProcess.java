package dev.pgvigil.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One embedded KRaft broker in a JVM of its own, so a benchmark counts the broker's CPU and memory apart from
 * the services it measures: {@link #start} launches it and returns once it accepts clients.
 * As a main: {@code BrokerProcess <dataDir> <port> <readyFile>} writes its bootstrap address to the ready file.
 */
public final class BrokerProcess {
    private BrokerProcess() {}

    /** The broker's JVM and the address clients bootstrap from. */
    public record Running(ServiceProcess process, String bootstrapServers) {}

    /** A broker on {@code port} (0: a free one) with its data in {@code dir/<name>-data}, deleted when it stops. */
    public static Running start(String name, Path dir, int port, String heap) {
        Path ready = dir.resolve(name + ".ready");
        ServiceProcess broker = ServiceProcess.start(name, dir, List.of("-Xmx" + heap), BrokerProcess.class.getName(),
                dir.resolve(name + "-data").toString(), String.valueOf(port), ready.toString());
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (!Files.exists(ready)) {
            if (!broker.isAlive() || Instant.now().isAfter(deadline)) {
                broker.close();
                throw new IllegalStateException(name + " did not start; see " + broker.log());
            }
            LocalFleet.sleep(Duration.ofMillis(200));
        }
        try {
            return new Running(broker, Files.readString(ready).strip());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static void main(String[] args) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]), Map.of(), true);
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "broker-stop"));
        // written whole then moved, so the parent never reads half an address
        Path ready = Path.of(args[2]);
        Path partial = Path.of(args[2] + ".partial");
        Files.writeString(partial, kafka.bootstrapServers());
        Files.move(partial, ready, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Thread.currentThread().join(); // serves until killed
    }
}

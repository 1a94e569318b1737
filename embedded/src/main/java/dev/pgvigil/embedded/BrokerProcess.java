package dev.pgvigil.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Embedded KRaft brokers in JVMs of their own: one broker, so a benchmark counts the broker's CPU and memory apart
 * from the services it measures ({@link #start}), or a {@link Cluster} whose nodes a drill can kill with SIGKILL, as
 * a host loses a broker, and start again on their own ports and data.
 * As a main: {@code BrokerProcess <dataDir> <port> <readyFile>} writes its bootstrap address to the ready file;
 * {@code BrokerProcess --node <dataDir> <plan> <nodeId> <readyFile>} runs one node of a {@link EmbeddedKafka.ClusterPlan}.
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
        awaitReadyFile(broker, ready);
        try {
            return new Running(broker, Files.readString(ready).strip());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void awaitReadyFile(ServiceProcess broker, Path ready) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (!Files.exists(ready)) {
            if (!broker.isAlive() || Instant.now().isAfter(deadline)) {
                broker.close();
                throw new IllegalStateException(broker.name() + " did not start; see " + broker.log());
            }
            LocalFleet.sleep(Duration.ofMillis(200));
        }
    }

    /**
     * A cluster of KRaft nodes (each a broker and a controller, as in {@link EmbeddedKafka}), every node a JVM of its
     * own with its log {@code dir/kafka-<id>.log} and its data under {@code dir/kafka}: {@link #kill9} is a real crash
     * (no controlled shutdown, no clean-shutdown marker, so the node recovers its logs when it starts again).
     * Closing it stops every node and deletes the data.
     */
    public static final class Cluster implements AutoCloseable {
        private final Path dir;
        private final EmbeddedKafka.ClusterPlan plan;
        private final Map<Integer, ServiceProcess> nodes = new java.util.TreeMap<>();

        private Cluster(Path dir, EmbeddedKafka.ClusterPlan plan) {
            this.dir = dir;
            this.plan = plan;
        }

        /** {@code brokers} nodes on free loopback ports, each with {@code heap}; returns once all are registered. */
        public static Cluster start(Path dir, int brokers, String heap) {
            Cluster cluster = new Cluster(dir, EmbeddedKafka.ClusterPlan.allocate(brokers, 0));
            try {
                // a node starts once a majority of the quorum runs: launch them all, then wait for each
                for (EmbeddedKafka.ClusterPlan.NodePorts node : cluster.plan.nodes()) {
                    cluster.nodes.put(node.id(), ServiceProcess.start("kafka-" + node.id(), dir, List.of("-Xmx" + heap),
                            BrokerProcess.class.getName(), "--node", dir.resolve("kafka").toString(), cluster.plan.toString(),
                            String.valueOf(node.id()), cluster.readyFile(node.id()).toString()));
                }
                cluster.nodes.forEach((id, process) -> awaitReadyFile(process, cluster.readyFile(id)));
                EmbeddedKafka.awaitBrokers(cluster.bootstrapServers(), Duration.ofSeconds(90), brokers);
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
            return cluster;
        }

        private Path readyFile(int nodeId) {
            return dir.resolve("kafka-" + nodeId + ".ready");
        }

        public String bootstrapServers() {
            return plan.bootstrapServers();
        }

        /** An admin client with short timeouts; the caller closes it. */
        public org.apache.kafka.clients.admin.Admin admin() {
            return EmbeddedKafka.admin(bootstrapServers());
        }

        /** SIGKILL to one node's JVM; returns when it was sent, once the process is gone. */
        public Instant kill9(int nodeId) {
            return node(nodeId).kill9();
        }

        /** Starts a killed node again on its ports and data, and waits until it has caught up with the controller. */
        public void restart(int nodeId) {
            ServiceProcess node = node(nodeId);
            try {
                Files.deleteIfExists(readyFile(nodeId));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            node.start();
            awaitReadyFile(node, readyFile(nodeId));
        }

        private ServiceProcess node(int nodeId) {
            ServiceProcess node = nodes.get(nodeId);
            if (node == null) {
                throw new IllegalArgumentException("no node " + nodeId + " (nodes " + nodes.keySet() + ")");
            }
            return node;
        }

        /** Kills every node: their data is deleted next, so no orderly shutdown is owed (and a node left without its quorum would wait for one). */
        @Override
        public void close() {
            nodes.values().stream().filter(ServiceProcess::isAlive).forEach(ServiceProcess::kill9);
            Folders.deleteQuietly(dir.resolve("kafka"));
        }
    }

    public static void main(String[] args) throws Exception {
        boolean node = args[0].equals("--node");
        EmbeddedKafka kafka = node
                ? EmbeddedKafka.startNode(Path.of(args[1]), EmbeddedKafka.ClusterPlan.parse(args[2]), Integer.parseInt(args[3]))
                : EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]), Map.of(), true);
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "broker-stop"));
        // written whole then moved, so the parent never reads half an address
        Path ready = Path.of(node ? args[4] : args[2]);
        Path partial = Path.of(ready + ".partial");
        Files.writeString(partial, kafka.bootstrapServers());
        Files.move(partial, ready, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Thread.currentThread().join(); // serves until killed
    }
}

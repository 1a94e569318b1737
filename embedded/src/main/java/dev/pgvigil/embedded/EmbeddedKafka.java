package dev.pgvigil.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka cluster (KRaft, each node a combined broker and controller) running in this JVM, from the
 * Kafka artifacts on Maven Central: one node for standalone mode and most tests, three where replication
 * matters (every internal topic then has three replicas and min.insync.replicas 2, and the controllers
 * form a quorum of three). Each node has its own ports and data folder and can be stopped and started
 * again on its own.
 *
 * <p>The data folder survives {@link #close()}: starting again on the same folder keeps the topics
 * (the storage is formatted only once).
 *
 * <p>With {@link ClientSecurity}, each node also has a client listener with TLS and SASL/SCRAM-SHA-512
 * ({@link #secureBootstrapServers()}), users made with {@link #addScramUser}, and optionally Kafka's
 * StandardAuthorizer enforcing ACLs there. The plaintext listener stays for the nodes themselves and
 * {@link #admin()}, as the operator's door: its anonymous user is a super user.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String SECURE_LISTENER = "SECURE";
    private static final String SCRAM = "SCRAM-SHA-512";

    /**
     * A client listener with TLS (the broker's key and certificate from {@code tls}) and SASL/SCRAM-SHA-512.
     *
     * @param authorizer whether ACLs are enforced (StandardAuthorizer; no ACL, no access)
     */
    public record ClientSecurity(ThrowawayTls tls, boolean authorizer) {}

    /**
     * The cluster's id and every node's ports, fixed before any node starts, so that nodes started in separate JVMs
     * (see {@link BrokerProcess.Cluster}) agree on the controllers' quorum. {@link #toString()} is its one-argument
     * form for a command line, {@link #parse} reads it back.
     */
    public record ClusterPlan(String clusterId, List<NodePorts> nodes) {
        public record NodePorts(int id, int brokerPort, int controllerPort) {}

        /** {@code brokers} nodes, node {@code i} listening on {@code firstPort + i - 1} (0: free ports), a new cluster id. */
        public static ClusterPlan allocate(int brokers, int firstPort) {
            if (brokers < 1 || brokers > 9) {
                throw new IllegalArgumentException("an embedded cluster has 1 to 9 brokers, not " + brokers);
            }
            List<NodePorts> nodes = new java.util.ArrayList<>();
            for (int id = 1; id <= brokers; id++) {
                nodes.add(new NodePorts(id, firstPort == 0 ? freePort() : firstPort + id - 1, freePort()));
            }
            return new ClusterPlan(Uuid.randomUuid().toString(), List.copyOf(nodes));
        }

        public static ClusterPlan parse(String plan) {
            String[] parts = plan.split(";", 2);
            List<NodePorts> nodes = java.util.Arrays.stream(parts[1].split(",")).map(n -> n.split(":"))
                    .map(n -> new NodePorts(Integer.parseInt(n[0]), Integer.parseInt(n[1]), Integer.parseInt(n[2]))).toList();
            return new ClusterPlan(parts[0], nodes);
        }

        /** Every node's client address. */
        public String bootstrapServers() {
            return String.join(",", nodes.stream().map(n -> "127.0.0.1:" + n.brokerPort()).toList());
        }

        @Override
        public String toString() {
            return clusterId + ";" + String.join(",", nodes.stream().map(n -> n.id() + ":" + n.brokerPort() + ":" + n.controllerPort()).toList());
        }
    }

    /** One node: its id, ports and data folder are fixed for the cluster's life; its server comes and goes. */
    private static final class Node {
        final int id;
        final int brokerPort;
        final int controllerPort;
        final int securePort;
        final Path logDir;
        KafkaRaftServer server;

        Node(int id, int brokerPort, int controllerPort, int securePort, Path logDir) {
            this.id = id;
            this.brokerPort = brokerPort;
            this.controllerPort = controllerPort;
            this.securePort = securePort;
            this.logDir = logDir;
        }
    }

    private final Path dataDir;
    private final List<Node> nodes;
    private final Map<String, String> overrides;
    private final boolean deleteOnClose;
    private final ClientSecurity security;

    private EmbeddedKafka(Path dataDir, List<Node> nodes, Map<String, String> overrides, boolean deleteOnClose, ClientSecurity security) {
        this.dataDir = dataDir;
        this.nodes = nodes;
        this.overrides = Map.copyOf(overrides);
        this.deleteOnClose = deleteOnClose;
        this.security = security;
    }

    /** A broker on a random loopback port with its data in a temporary folder deleted on close; for tests. */
    public static EmbeddedKafka startTemporary() {
        return startTemporaryCluster(1);
    }

    /** {@code brokers} nodes on random loopback ports, data in a temporary folder deleted on close; for tests. */
    public static EmbeddedKafka startTemporaryCluster(int brokers) {
        try {
            return startCluster(Files.createTempDirectory("pgvigil-kafka-"), brokers, 0, Map.of(), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Formats {@code dataDir} if it is new, starts the broker on 127.0.0.1:{@code port} (0 picks a free
     * one) and waits until it answers. {@code overrides} are broker settings on top of the defaults.
     */
    public static EmbeddedKafka start(Path dataDir, int port, Map<String, String> overrides, boolean deleteOnClose) {
        return startCluster(dataDir, 1, port, overrides, deleteOnClose);
    }

    /**
     * A cluster of {@code brokers} nodes (1 to 9), node {@code i} listening on {@code firstPort + i - 1}
     * (0: free ports), each with its data under {@code dataDir/kraft} (one node) or {@code dataDir/node-i}.
     */
    public static EmbeddedKafka startCluster(Path dataDir, int brokers, int firstPort, Map<String, String> overrides, boolean deleteOnClose) {
        return startCluster(dataDir, brokers, firstPort, overrides, deleteOnClose, null);
    }

    /** {@code brokers} nodes on random loopback ports with a TLS + SCRAM client listener each, data deleted on close; for tests. */
    public static EmbeddedKafka startTemporarySecured(int brokers, ClientSecurity security) {
        try {
            return startCluster(Files.createTempDirectory("pgvigil-kafka-"), brokers, 0, Map.of(), true, java.util.Objects.requireNonNull(security));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EmbeddedKafka startCluster(Path dataDir, int brokers, int firstPort, Map<String, String> overrides, boolean deleteOnClose,
                                              ClientSecurity security) {
        ClusterPlan plan;
        try {
            plan = ClusterPlan.allocate(brokers, firstPort);
        } catch (RuntimeException e) { // refused before a cluster exists whose close would delete the folder
            if (deleteOnClose) {
                Folders.deleteQuietly(dataDir);
            }
            throw e;
        }
        Instant began = Instant.now();
        EmbeddedKafka kafka = new EmbeddedKafka(dataDir, nodes(dataDir, plan, security), overrides, deleteOnClose, security);
        try {
            for (Node node : kafka.nodes) {
                KafkaConfig config = kafka.config(node);
                format(node, config, plan.clusterId());
                node.server = new KafkaRaftServer(config, Time.SYSTEM);
            }
            // a node's startup() returns once its broker has caught up with an elected controller, which needs a
            // majority of the quorum running: start them side by side
            startAll(kafka.nodes);
            kafka.awaitReady(Duration.ofSeconds(90), brokers);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        log.info("Kafka {} ready on {} in {} ms (data in {})", brokers == 1 ? "broker" : brokers + "-broker cluster", kafka.bootstrapServers(),
                Duration.between(began, Instant.now()).toMillis(), dataDir);
        return kafka;
    }

    /**
     * One node of {@code plan}, in this JVM, with its data under {@code dataDir/node-i} (formatted on the first start);
     * the other nodes run elsewhere. Returns once the node has caught up with an elected controller, which needs a
     * majority of the plan's nodes running. Closing it stops this node only, and keeps its data.
     */
    public static EmbeddedKafka startNode(Path dataDir, ClusterPlan plan, int nodeId) {
        EmbeddedKafka kafka = new EmbeddedKafka(dataDir, nodes(dataDir, plan, null), Map.of(), false, null);
        Node node = kafka.node(nodeId);
        KafkaConfig config = kafka.config(node);
        format(node, config, plan.clusterId());
        node.server = new KafkaRaftServer(config, Time.SYSTEM);
        node.server.startup();
        return kafka;
    }

    private static List<Node> nodes(Path dataDir, ClusterPlan plan, ClientSecurity security) {
        List<Node> nodes = new java.util.ArrayList<>();
        for (ClusterPlan.NodePorts ports : plan.nodes()) {
            Path logDir = dataDir.resolve(plan.nodes().size() == 1 ? "kraft" : "node-" + ports.id());
            try {
                Files.createDirectories(logDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create Kafka data folder " + logDir, e);
            }
            nodes.add(new Node(ports.id(), ports.brokerPort(), ports.controllerPort(), security == null ? 0 : freePort(), logDir));
        }
        return List.copyOf(nodes);
    }

    private static void startAll(List<Node> nodes) {
        List<Thread> starters = new java.util.ArrayList<>();
        java.util.concurrent.ConcurrentLinkedQueue<RuntimeException> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (Node node : nodes) {
            Thread t = new Thread(() -> {
                try {
                    node.server.startup();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }, "kafka-node-" + node.id + "-start");
            t.start();
            starters.add(t);
        }
        for (Thread t : starters) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting Kafka", e);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.peek();
        }
    }

    /** How many nodes the cluster has, running or not. */
    public int brokers() {
        return nodes.size();
    }

    /** The node ids, 1 to {@link #brokers()}. */
    public List<Integer> nodeIds() {
        return nodes.stream().map(n -> n.id).toList();
    }

    public boolean isRunning(int nodeId) {
        return node(nodeId).server != null;
    }

    /**
     * Stops one node the way a crash would as far as the cluster sees it: no controlled shutdown, so its
     * partitions lose their leader until the controller notices. Its data stays for {@link #startBroker}.
     */
    public void stopBroker(int nodeId) {
        Node node = node(nodeId);
        if (node.server == null) {
            return;
        }
        shutdown(node);
    }

    /** Starts a stopped node again on its own ports and data. */
    public void startBroker(int nodeId) {
        Node node = node(nodeId);
        if (node.server != null) {
            return;
        }
        node.server = new KafkaRaftServer(config(node), Time.SYSTEM);
        node.server.startup();
    }

    /** The bootstrap address of one node, to point a client at it alone. */
    public String bootstrapServer(int nodeId) {
        return "127.0.0.1:" + node(nodeId).brokerPort;
    }

    private Node node(int nodeId) {
        return nodes.stream().filter(n -> n.id == nodeId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + nodeId + " (nodes " + nodeIds() + ")"));
    }

    private KafkaConfig config(Node node) {
        Properties props = brokerProperties(node, nodes);
        if (security != null) {
            secure(props, node, security);
        }
        overrides.forEach(props::setProperty);
        return new KafkaConfig(props, false);
    }

    private static Properties brokerProperties(Node node, List<Node> all) {
        int size = all.size();
        String replicas = String.valueOf(Math.min(3, size));
        String minIsr = size >= 3 ? "2" : "1";
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", String.valueOf(node.id));
        p.setProperty("controller.quorum.voters", String.join(",", all.stream().map(n -> n.id + "@127.0.0.1:" + n.controllerPort).toList()));
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + node.brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + node.controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + node.brokerPort);
        p.setProperty("controller.listener.names", CONTROLLER_LISTENER);
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.setProperty("log.dirs", node.logDir.toString());
        p.setProperty("metadata.log.dir", node.logDir.toString());
        // internal topics as replicated as the cluster allows: one node, one replica; three or more, three and two in sync
        p.setProperty("offsets.topic.replication.factor", replicas);
        p.setProperty("offsets.topic.num.partitions", "3");
        p.setProperty("transaction.state.log.replication.factor", replicas);
        p.setProperty("transaction.state.log.min.isr", minIsr);
        p.setProperty("transaction.state.log.num.partitions", "3");
        p.setProperty("share.coordinator.state.topic.replication.factor", replicas);
        p.setProperty("share.coordinator.state.topic.min.isr", minIsr);
        p.setProperty("min.insync.replicas", minIsr);
        p.setProperty("default.replication.factor", replicas);
        // a stopped node stands for a crashed one: no leadership hand-over on the way down
        p.setProperty("controlled.shutdown.enable", "false");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("num.partitions", "1");
        p.setProperty("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        return p;
    }

    /** Adds the TLS + SCRAM client listener, and the authorizer when asked for. */
    private static void secure(Properties p, Node node, ClientSecurity security) {
        String listener = SECURE_LISTENER + "://127.0.0.1:" + node.securePort;
        p.setProperty("listeners", p.getProperty("listeners") + "," + listener);
        p.setProperty("advertised.listeners", p.getProperty("advertised.listeners") + "," + listener);
        p.setProperty("listener.security.protocol.map", p.getProperty("listener.security.protocol.map") + "," + SECURE_LISTENER + ":SASL_SSL");
        String prefix = "listener.name." + SECURE_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
        p.setProperty(prefix + "sasl.enabled.mechanisms", SCRAM);
        p.setProperty(prefix + SCRAM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.setProperty(prefix + "ssl.keystore.type", "PKCS12");
        p.setProperty(prefix + "ssl.keystore.location", security.tls().keystore().toString());
        p.setProperty(prefix + "ssl.keystore.password", security.tls().password());
        p.setProperty(prefix + "ssl.key.password", security.tls().password());
        if (security.authorizer()) {
            p.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            // the nodes and admin() talk plaintext as ANONYMOUS: that door is the operator's
            p.setProperty("super.users", "User:ANONYMOUS");
        }
    }

    /** Every node's TLS + SCRAM client listener; only with {@link ClientSecurity}. */
    public String secureBootstrapServers() {
        if (security == null) {
            throw new IllegalStateException("this cluster has no secure listener");
        }
        return String.join(",", nodes.stream().map(n -> "127.0.0.1:" + n.securePort).toList());
    }

    /** Client properties for {@code user} on the secure listener, trusting the throwaway CA; for tests. */
    public Map<String, Object> secureClientProperties(String user, String password) {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, secureBootstrapServers(),
                "security.protocol", "SASL_SSL",
                "ssl.truststore.type", "PKCS12",
                "ssl.truststore.location", security.tls().truststore().toString(),
                "ssl.truststore.password", security.tls().password(),
                "sasl.mechanism", SCRAM,
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                        + "\" password=\"" + password + "\";");
    }

    /**
     * Creates (or changes) a SCRAM-SHA-512 user and waits until every broker accepts its login (credentials
     * reach the brokers with the metadata, a moment after the controller took them).
     */
    public void addScramUser(String user, String password) {
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new org.apache.kafka.clients.admin.UserScramCredentialUpsertion(user,
                    new org.apache.kafka.clients.admin.ScramCredentialInfo(org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, 4096),
                    password))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create SCRAM user " + user + ": " + e.getMessage(), e);
        }
        for (Node node : nodes) {
            if (node.server != null) {
                awaitLogin(node, user, password);
            }
        }
    }

    private void awaitLogin(Node node, String user, String password) {
        Map<String, Object> props = new java.util.HashMap<>(secureClientProperties(user, password));
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + node.securePort);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Admin admin = Admin.create(props)) {
                admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("node " + node.id + " does not accept user " + user + ": " + e.getMessage(), e);
                }
                sleep(200);
            }
        }
    }

    private static void format(Node node, KafkaConfig config, String clusterId) {
        if (Files.exists(node.logDir.resolve("meta.properties"))) {
            return; // formatted by an earlier start: keep its cluster id and data
        }
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(node.id)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(node.logDir.toString()))
                    .setMetadataLogDirectory(node.logDir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setUnstableFeatureVersionsEnabled(false)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + node.logDir + ": " + e.getMessage(), e);
        }
    }

    /** Waits until {@code brokers} brokers are registered and answer. */
    public void awaitReady(Duration timeout, int brokers) {
        awaitBrokers(bootstrapServers(), timeout, brokers);
    }

    /** Waits until the cluster at {@code bootstrapServers} has {@code brokers} brokers registered and answering. */
    public static void awaitBrokers(String bootstrapServers, Duration timeout, int brokers) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = admin(bootstrapServers)) {
            while (System.nanoTime() < deadline) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= brokers) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                sleep(100);
            }
        }
        throw new IllegalStateException("Kafka did not have " + brokers + " broker(s) ready within " + timeout, last);
    }

    /** Every node's address, so a client finds the cluster while any one of them runs. */
    public String bootstrapServers() {
        return String.join(",", nodes.stream().map(n -> "127.0.0.1:" + n.brokerPort).toList());
    }

    public Path dataDir() {
        return dataDir;
    }

    /** An admin client for this broker; the caller closes it. */
    public Admin admin() {
        return admin(bootstrapServers());
    }

    /** An admin client for a test's cluster, with short timeouts; the caller closes it. */
    public static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    @Override
    public void close() {
        // brokers first, controllers' quorum last: a cluster stopping node by node keeps its quorum while it can
        for (int i = nodes.size() - 1; i >= 0; i--) {
            if (nodes.get(i).server != null) {
                shutdown(nodes.get(i));
            }
        }
        if (deleteOnClose) {
            Folders.deleteQuietly(dataDir);
        }
    }

    private static void shutdown(Node node) {
        try {
            node.server.shutdown();
            node.server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("Kafka node {} did not shut down cleanly: {}", node.id, e.toString());
        }
        node.server = null;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

package dev.pgvigil.bench.fleet;

import dev.pgvigil.schema.kafka.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What transactions cost, at the producer: the same snapshots (the fleet's own records, as committed) published
 * one after another through a transactional producer (begin, send every record, commit: what the collector does,
 * less its offset commit) and through an idempotent one that is not (send every record, wait for every
 * acknowledgement: what the collector did before). Same producer settings as the collector's (lz4, linger 10 ms,
 * acks=all), to copies of the topics so the fleet's own are not touched. The two modes alternate in rounds, so
 * neither gets the quieter moment of the shared machine.
 */
final class TransactionCost {
    /** Per mode: snapshots, wall ms per snapshot, CPU ms per snapshot of this JVM (the producer) and of the broker. */
    record Mode(String name, int snapshots, double wallMsPerSnapshot, double clientCpuMsPerSnapshot, double brokerCpuMsPerSnapshot) {}

    /** {@code ratios}: transactional / plain, for wall time, this JVM's CPU and the broker's CPU. */
    record Result(Mode transactional, Mode plain, int recordsPerSnapshot, Map<String, Double> ratios) {}

    private static final String PREFIX = "bench.txcost.";
    private static final int ROUNDS = 4;

    private TransactionCost() {}

    static Result measure(String bootstrapServers, long brokerPid, List<List<TransactionAudit.Raw>> snapshots) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : snapshots.stream().flatMap(List::stream).map(TransactionAudit.Raw::topic).distinct().toList()) {
                topics.add(new NewTopic(PREFIX + t, 3, (short) 1));
            }
            admin.createTopics(topics).all().get();
        }
        long self = ProcessHandle.current().pid();
        long[] tx = new long[3];
        long[] plain = new long[3];
        try (KafkaProducer<String, byte[]> transactional = producer(bootstrapServers, "bench-txcost-" + UUID.randomUUID());
             KafkaProducer<String, byte[]> idempotent = producer(bootstrapServers, null)) {
            transactional.initTransactions();
            publish(transactional, true, snapshots.subList(0, Math.min(20, snapshots.size()))); // warm-up, not counted
            publish(idempotent, false, snapshots.subList(0, Math.min(20, snapshots.size())));
            for (int round = 0; round < ROUNDS; round++) {
                add(tx, timed(self, brokerPid, () -> publish(transactional, true, snapshots)));
                add(plain, timed(self, brokerPid, () -> publish(idempotent, false, snapshots)));
            }
        }
        int n = ROUNDS * snapshots.size();
        int records = (int) Math.round(snapshots.stream().mapToInt(List::size).average().orElse(0));
        Mode t = mode("transactional", n, tx);
        Mode p = mode("idempotent, no transaction", n, plain);
        Map<String, Double> ratios = new LinkedHashMap<>();
        ratios.put("wall", t.wallMsPerSnapshot() / p.wallMsPerSnapshot());
        ratios.put("clientCpu", t.clientCpuMsPerSnapshot() / p.clientCpuMsPerSnapshot());
        ratios.put("brokerCpu", t.brokerCpuMsPerSnapshot() / p.brokerCpuMsPerSnapshot());
        return new Result(t, p, records, ratios);
    }

    private static Mode mode(String name, int n, long[] totals) {
        return new Mode(name, n, totals[0] / 1e6 / n, totals[1] / 1e6 / n, totals[2] / 1e6 / n);
    }

    private static void add(long[] sum, long[] one) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += one[i];
        }
    }

    private interface Run {
        void run() throws Exception;
    }

    /** Wall, this JVM's CPU and the broker's CPU, in ns. */
    private static long[] timed(long self, long broker, Run run) throws Exception {
        long wall = System.nanoTime();
        long client = ProcCpu.of(self);
        long server = ProcCpu.of(broker);
        run.run();
        return new long[] {System.nanoTime() - wall, ProcCpu.of(self) - client, ProcCpu.of(broker) - server};
    }

    private static void publish(KafkaProducer<String, byte[]> producer, boolean transactional, List<List<TransactionAudit.Raw>> snapshots)
            throws ExecutionException, InterruptedException {
        for (List<TransactionAudit.Raw> snapshot : snapshots) {
            if (transactional) {
                producer.beginTransaction();
            }
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (TransactionAudit.Raw r : snapshot) {
                sent.add(producer.send(new ProducerRecord<>(PREFIX + r.topic(), r.key(), r.value())));
            }
            if (transactional) {
                producer.commitTransaction(); // flushes, then waits for the commit marker
            } else {
                for (Future<RecordMetadata> f : sent) {
                    f.get();
                }
            }
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrapServers, String transactionalId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        if (transactionalId != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** The sampled records grouped into snapshots, the envelope last, as the collector sends them. */
    static List<List<TransactionAudit.Raw>> snapshots(List<TransactionAudit.Raw> records) {
        Map<String, List<TransactionAudit.Raw>> byId = new LinkedHashMap<>();
        for (TransactionAudit.Raw r : records) {
            byId.computeIfAbsent(r.snapshotId(), k -> new ArrayList<>()).add(r);
        }
        List<List<TransactionAudit.Raw>> all = new ArrayList<>();
        for (List<TransactionAudit.Raw> rs : byId.values()) {
            List<TransactionAudit.Raw> ordered = new ArrayList<>(rs.stream().filter(r -> !r.topic().equals(Topics.SNAPSHOTS)).toList());
            ordered.addAll(rs.stream().filter(r -> r.topic().equals(Topics.SNAPSHOTS)).toList());
            all.add(ordered);
        }
        return all;
    }
}

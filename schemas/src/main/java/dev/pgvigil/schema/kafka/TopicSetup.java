package dev.pgvigil.schema.kafka;

import dev.pgvigil.common.kafka.KafkaDenied;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates pgvigil's topics with the settings each needs: the same partition count for every topic
 * keyed by instance (so the analyzer's joins are co-partitioned), compaction where a topic holds state.
 */
public final class TopicSetup {
    private TopicSetup() {}

    /** @param partitions null: the partition count every instance-keyed topic shares */
    public record TopicSpec(String name, Map<String, String> configs, Integer partitions) {
        public TopicSpec(String name, Map<String, String> configs) {
            this(name, configs, null);
        }
    }

    /** pgvigil.targets spreads the fleet over the collectors: enough partitions for a dozen of them. */
    public static final int TARGETS_PARTITIONS = 12;

    private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact");
    private static final Map<String, String> SEVEN_DAYS = Map.of("retention.ms", String.valueOf(7L * 24 * 3600 * 1000));
    private static final Map<String, String> THIRTY_DAYS = Map.of("retention.ms", String.valueOf(30L * 24 * 3600 * 1000));

    /** Every topic pgvigil writes, with its settings. */
    public static List<TopicSpec> all() {
        List<TopicSpec> specs = new ArrayList<>();
        specs.add(new TopicSpec(Topics.SNAPSHOTS, SEVEN_DAYS));
        for (String stats : Topics.STATS) {
            specs.add(new TopicSpec(stats, SEVEN_DAYS));
        }
        specs.add(new TopicSpec(Topics.METRICS, SEVEN_DAYS));
        specs.add(new TopicSpec(Topics.rollups("1m"), SEVEN_DAYS));
        specs.add(new TopicSpec(Topics.rollups("1h"), THIRTY_DAYS));
        specs.add(new TopicSpec(Topics.VIOLATIONS, THIRTY_DAYS));
        specs.add(new TopicSpec(Topics.FINDINGS, SEVEN_DAYS));
        specs.add(new TopicSpec(Topics.BASELINE_REQUESTS, SEVEN_DAYS));
        specs.add(new TopicSpec(Topics.BASELINES, COMPACTED));
        specs.add(new TopicSpec(Topics.ALERTS, COMPACTED));
        specs.add(new TopicSpec(Topics.SILENCES, COMPACTED));
        specs.add(new TopicSpec(Topics.TARGETS, COMPACTED, TARGETS_PARTITIONS));
        specs.add(new TopicSpec(Topics.TARGETS_STATUS, COMPACTED, TARGETS_PARTITIONS));
        specs.add(new TopicSpec(Topics.ANALYZER_DLQ, THIRTY_DAYS));
        specs.add(new TopicSpec(Topics.NOTIFICATIONS_DLQ, THIRTY_DAYS));
        specs.add(new TopicSpec(Topics.ALERTER_DLQ, THIRTY_DAYS));
        return specs;
    }

    /** Creates whichever of {@code specs} do not exist yet, with the brokers' default min.insync.replicas. */
    public static void ensure(Admin admin, List<TopicSpec> specs, int partitions, short replicationFactor) {
        ensure(admin, specs, partitions, replicationFactor, null);
    }

    /**
     * Creates whichever of {@code specs} do not exist yet; existing topics are left as they are, and so are
     * topics this principal has no permission to create (least privilege: the operator creates them). A
     * replication factor larger than the cluster's broker count, or a {@code minInsyncReplicas} larger
     * than the replication factor, is refused with a message naming the setting, before anything is created.
     *
     * @param minInsyncReplicas the topics' min.insync.replicas; null leaves the broker's default
     */
    public static void ensure(Admin admin, List<TopicSpec> specs, int partitions, short replicationFactor, Integer minInsyncReplicas) {
        if (minInsyncReplicas != null && (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor)) {
            throw new IllegalArgumentException("kafka.minInsyncReplicas is " + minInsyncReplicas + ": it must be from 1 to kafka.replicationFactor ("
                    + replicationFactor + "), or no write could ever be acknowledged");
        }
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<TopicSpec> absent = specs.stream().filter(s -> !existing.contains(s.name())).toList();
            if (absent.isEmpty()) {
                return;
            }
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            if (replicationFactor > brokers) {
                throw new IllegalArgumentException("kafka.replicationFactor is " + replicationFactor + ", but the cluster has "
                        + brokers + " broker(s): lower it, or add brokers before starting pgvigil");
            }
            List<NewTopic> missing = absent.stream()
                    .map(s -> new NewTopic(s.name(), s.partitions() != null ? s.partitions() : partitions, replicationFactor).configs(withMinIsr(s.configs(), minInsyncReplicas)))
                    .toList();
            for (var created : admin.createTopics(missing).values().values()) {
                try {
                    created.get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // exists already; or this principal may not create it (then it may not even see it, and listed it as
                    // absent): topics are the operator's under least privilege, and a client that needs a topic that
                    // is truly missing says so itself
                    if (!(e.getCause() instanceof TopicExistsException) && !(e.getCause() instanceof TopicAuthorizationException)) {
                        throw e;
                    }
                }
            }
        } catch (ExecutionException e) {
            // the first call a service makes: a refused login or a missing ACL stops it here with one line, not later in a retry loop
            KafkaDenied.in(e.getCause()).ifPresent(denied -> {
                throw denied;
            });
            throw new IllegalStateException("cannot create pgvigil topics: " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create pgvigil topics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    private static Map<String, String> withMinIsr(Map<String, String> configs, Integer minInsyncReplicas) {
        if (minInsyncReplicas == null) {
            return configs;
        }
        Map<String, String> all = new java.util.HashMap<>(configs);
        all.put("min.insync.replicas", String.valueOf(minInsyncReplicas));
        return all;
    }

    public static void ensureAll(Admin admin, int partitions, short replicationFactor) {
        ensure(admin, all(), partitions, replicationFactor, null);
    }

    public static void ensureAll(Admin admin, int partitions, short replicationFactor, Integer minInsyncReplicas) {
        ensure(admin, all(), partitions, replicationFactor, minInsyncReplicas);
    }
}

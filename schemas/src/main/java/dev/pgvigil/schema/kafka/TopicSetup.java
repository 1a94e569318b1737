package dev.pgvigil.schema.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates pgvigil's topics with the settings each needs: the same partition count for every topic
 * keyed by instance (so the analyzer's joins are co-partitioned), compaction where a topic holds state.
 */
public final class TopicSetup {
    private TopicSetup() {}

    public record TopicSpec(String name, Map<String, String> configs) {}

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
        specs.add(new TopicSpec(Topics.ANALYZER_DLQ, THIRTY_DAYS));
        specs.add(new TopicSpec(Topics.NOTIFICATIONS_DLQ, THIRTY_DAYS));
        specs.add(new TopicSpec(Topics.ALERTER_DLQ, THIRTY_DAYS));
        return specs;
    }

    /** Creates whichever of {@code specs} do not exist yet; existing topics are left as they are. */
    public static void ensure(Admin admin, List<TopicSpec> specs, int partitions, short replicationFactor) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = specs.stream()
                    .filter(s -> !existing.contains(s.name()))
                    .map(s -> new NewTopic(s.name(), partitions, replicationFactor).configs(s.configs()))
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create pgvigil topics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    public static void ensureAll(Admin admin, int partitions, short replicationFactor) {
        ensure(admin, all(), partitions, replicationFactor);
    }
}

package dev.pgvigil.advisor.baseline;

import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.rules.baseline.Baseline;
import dev.pgvigil.schema.BaselineSet;
import dev.pgvigil.schema.Baselines;
import dev.pgvigil.schema.kafka.AvroSerde;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.TopicSetup;
import dev.pgvigil.schema.kafka.Topics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Baselines on the compacted {@code pgvigil.baselines} topic, as the analyzer keeps them: key the
 * instance id, value a {@code BaselineSet}, newest last. Reading takes the topic from its beginning to its
 * current end without a consumer group and keeps the last value of the key. The analyzer is the topic's
 * only writer (it would overwrite anything else): a new baseline is a request to it, see {@link #request}.
 */
public final class BaselineTopic implements BaselineStore {
    private final KafkaSettings settings;
    private final Duration timeout;
    private final AvroSerde<BaselineSet> serde = Serdes.baselines();

    /** {@code timeout} bounds every Kafka call, so an unreachable cluster is an error after it, not a hang. */
    public BaselineTopic(KafkaSettings settings, Duration timeout) {
        this.settings = settings;
        this.timeout = timeout;
    }

    @Override
    public String where() {
        return Topics.BASELINES + " on " + settings.bootstrapServers();
    }

    @Override
    public List<Baseline> history(String instance) throws IOException {
        BaselineSet set = read(instance);
        return set == null ? List.of() : Baselines.fromAvro(set);
    }

    /**
     * Asks the analyzer, the topic's only writer, for a baseline of {@code instance} named {@code name}: posts
     * the request on pgvigil.baseline.requests (as the dashboard does) and waits up to {@code wait} until the
     * analyzer has published it on pgvigil.baselines.
     *
     * @throws IOException also when it did not appear in time (the request stays queued for the analyzer)
     */
    public Baseline request(String instance, String name, Duration wait) throws IOException {
        ensureTopics();
        Map<String, Object> consumerProps = clientProperties();
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // the analyzer writes in transactions
        consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer())) {
            // from the current end: only what the analyzer publishes after the request counts
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.BASELINES, timeout).stream()
                    .map(p -> new TopicPartition(Topics.BASELINES, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(p -> consumer.position(p, timeout));
            Instant requestedAt = send(instance, name);
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (instance.equals(r.key()) && r.value() != null) {
                        for (Baseline b : Baselines.fromAvro(serde.deserialize(Topics.BASELINES, r.value()))) {
                            if (b.name().equals(name) && !b.createdAt().isBefore(requestedAt)) {
                                return b;
                            }
                        }
                    }
                }
            }
            throw new IOException("the analyzer did not publish baseline '" + name + "' of " + instance + " on " + where() + " within "
                    + wait.toSeconds() + "s. Is the analyzer running, and is '" + instance + "' an instance id the collector watches? "
                    + "The request stays queued on " + Topics.BASELINE_REQUESTS + "; a rejected one is on " + Topics.ANALYZER_DLQ + " with the reason.");
        } catch (KafkaException e) {
            throw failure("cannot read", e);
        }
    }

    /** Sends the request and returns its timestamp, which the analyzer records as the baseline's time. */
    private Instant send(String instance, String name) throws IOException {
        Map<String, Object> props = clientProperties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis() + 1000);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            RecordMetadata sent = producer.send(new ProducerRecord<>(Topics.BASELINE_REQUESTS, instance, name))
                    .get(timeout.toMillis() + 2000, TimeUnit.MILLISECONDS);
            return Instant.ofEpochMilli(sent.timestamp());
        } catch (ExecutionException e) {
            throw failure("cannot send the request for", e.getCause());
        } catch (java.util.concurrent.TimeoutException | KafkaException e) {
            throw failure("cannot send the request for", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing " + Topics.BASELINE_REQUESTS, e);
        }
    }

    /** The last BaselineSet of the key, or null when there is none (no topic, no record, or a tombstone). */
    private BaselineSet read(String instance) throws IOException {
        Map<String, Object> props = clientProperties();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // the analyzer writes in transactions
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(Topics.BASELINES, timeout);
            if (infos == null || infos.isEmpty()) {
                return null;
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(Topics.BASELINES, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            ConsumerRecord<String, byte[]> last = null;
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("could not read " + where() + " to its end within " + timeout.toSeconds() + "s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (instance.equals(r.key())) {
                        last = r;
                    }
                }
            }
            if (last == null || last.value() == null) {
                return null;
            }
            try {
                return serde.deserialize(Topics.BASELINES, last.value());
            } catch (RuntimeException e) {
                // refuse rather than overwrite what we cannot read
                throw new IOException("the record of " + instance + " at " + last.topic() + "-" + last.partition() + "@" + last.offset()
                        + " is not a BaselineSet: " + e.getMessage(), e);
            }
        } catch (KafkaException e) {
            throw failure("cannot read", e);
        }
    }

    /** Creates the request and baseline topics when they are missing, as the pipeline would. */
    private void ensureTopics() throws IOException {
        try (Admin admin = Admin.create(clientProperties())) {
            TopicSetup.ensure(admin, TopicSetup.all().stream()
                            .filter(s -> s.name().equals(Topics.BASELINES) || s.name().equals(Topics.BASELINE_REQUESTS)).toList(),
                    settings.topicPartitions(), settings.topicReplicationFactor(), settings.topicMinInsyncReplicas());
        } catch (KafkaException | IllegalStateException e) {
            throw failure("cannot create", e);
        }
    }

    private Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>(settings.clientProperties());
        int ms = (int) timeout.toMillis();
        props.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "pgvigil-baseline");
        return props;
    }

    private IOException failure(String what, Throwable e) {
        return new IOException(what + " " + where() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }
}

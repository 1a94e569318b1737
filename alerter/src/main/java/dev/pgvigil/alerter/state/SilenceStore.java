package dev.pgvigil.alerter.state;

import dev.pgvigil.alerter.model.Silence;
import dev.pgvigil.schema.kafka.AvroSerde;
import dev.pgvigil.schema.kafka.Serdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The silences on the compacted pgvigil.silences topic, shared by every alerter, the HTTP API and the
 * {@code pgvigil silence} command. Opened to follow, it keeps reading the topic in the background so a
 * silence added anywhere takes effect everywhere. Thread-safe.
 */
public final class SilenceStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SilenceStore.class);

    private final String topic;
    private final AvroSerde<dev.pgvigil.schema.Silence> serde = Serdes.silence();
    private final Map<String, Silence> silences = new ConcurrentHashMap<>();
    private final KafkaProducer<byte[], byte[]> producer;
    private final CompactedTopicReader reader;
    private final Thread follower;
    private volatile boolean open = true;

    private SilenceStore(Map<String, Object> clientProperties, String topic, boolean follow, Duration timeout) {
        this.topic = topic;
        Map<String, Object> producerProps = new HashMap<>(clientProperties);
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "pgvigil-silences");
        this.reader = new CompactedTopicReader(clientProperties, topic, null);
        try {
            reader.readToEnd(timeout, this::apply);
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
        this.producer = new KafkaProducer<>(producerProps);
        if (follow) {
            follower = new Thread(this::follow, "pgvigil-silences");
            follower.setDaemon(true);
            follower.start();
        } else {
            follower = null;
            reader.close();
        }
    }

    /**
     * Reads every silence; with {@code follow}, keeps up with the topic until closed. Fails when the
     * topic cannot be read within {@code timeout}.
     */
    public static SilenceStore open(Map<String, Object> clientProperties, String topic, boolean follow, Duration timeout) {
        return new SilenceStore(clientProperties, topic, follow, timeout);
    }

    /** Every silence known, latest ending first. */
    public List<Silence> all() {
        return silences.values().stream().sorted(Comparator.comparing(Silence::endsAt).reversed()).toList();
    }

    public List<Silence> active(Instant now) {
        return silences.values().stream().filter(s -> s.isActive(now)).toList();
    }

    public Optional<Silence> get(String id) {
        return Optional.ofNullable(silences.get(id));
    }

    /**
     * The silence whose id is {@code idOrPrefix} or starts with it (people type the first 8 characters).
     * Empty when none is; an error when the prefix is ambiguous.
     */
    public Optional<Silence> find(String idOrPrefix) {
        Silence exact = silences.get(idOrPrefix);
        if (exact != null) {
            return Optional.of(exact);
        }
        List<Silence> matches = silences.values().stream().filter(s -> s.id().startsWith(idOrPrefix)).toList();
        if (matches.size() > 1) {
            throw new IllegalArgumentException("'" + idOrPrefix + "' matches " + matches.size() + " silences; give more of the id");
        }
        return matches.stream().findFirst();
    }

    /** Stores a silence (new, or a new version of one) and waits until the broker has it. */
    public Silence put(Silence silence) {
        send(silence.id(), serde.serialize(topic, SilenceCodec.toRecord(silence)));
        silences.put(silence.id(), silence);
        return silence;
    }

    /** Ends a silence now; empty when there is no such silence. */
    public Optional<Silence> expire(String idOrPrefix, Instant now) {
        return find(idOrPrefix).map(s -> put(s.expiredAt(now)));
    }

    /** Removes silences that ended before {@code endedBefore} from the topic for good; returns how many. */
    public int purge(Instant endedBefore) {
        List<Silence> old = silences.values().stream().filter(s -> s.endsAt().isBefore(endedBefore)).toList();
        for (Silence s : old) {
            send(s.id(), null);
            silences.remove(s.id());
        }
        return old.size();
    }

    private void send(String id, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), value)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write silence " + id + " to " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing silence " + id, e);
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        String id = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            silences.remove(id);
            return;
        }
        try {
            silences.put(id, SilenceCodec.fromRecord(serde.deserialize(topic, record.value())));
        } catch (SerializationException | IllegalArgumentException e) {
            log.error("skipping unreadable silence {} at {}-{}@{}: {}", id, topic, record.partition(), record.offset(), e.getMessage());
        }
    }

    private void follow() {
        while (open) {
            try {
                reader.poll(Duration.ofSeconds(1), this::apply);
            } catch (RuntimeException e) {
                if (open) {
                    log.warn("reading {} failed, trying again: {}", topic, e.toString());
                    sleepQuietly();
                }
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        open = false;
        if (follower != null) {
            reader.wakeup();
            try {
                follower.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reader.close();
        }
        producer.close(Duration.ofSeconds(5));
    }
}

package dev.pgvigil.alerter;

import dev.pgvigil.alerter.channel.Channel;
import dev.pgvigil.alerter.channel.Channels;
import dev.pgvigil.alerter.config.AlerterConfig;
import dev.pgvigil.alerter.config.DurationText;
import dev.pgvigil.alerter.http.AlerterApi;
import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.alerter.model.AlertNotice;
import dev.pgvigil.alerter.model.AlertView;
import dev.pgvigil.alerter.notify.DeadLetterTopic;
import dev.pgvigil.alerter.notify.DedupStage;
import dev.pgvigil.alerter.notify.Deliverer;
import dev.pgvigil.alerter.notify.GroupStage;
import dev.pgvigil.alerter.notify.InhibitStage;
import dev.pgvigil.alerter.notify.NotificationPipeline;
import dev.pgvigil.alerter.notify.RetryPolicy;
import dev.pgvigil.alerter.notify.RouteStage;
import dev.pgvigil.alerter.notify.SilenceStage;
import dev.pgvigil.alerter.state.AlertBook;
import dev.pgvigil.alerter.state.AlertStateStore;
import dev.pgvigil.alerter.state.SilenceStore;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.http.HealthChecks;
import dev.pgvigil.common.http.HttpApiServer;
import dev.pgvigil.common.http.Router;
import dev.pgvigil.common.http.ServiceEndpoints;
import dev.pgvigil.common.metrics.ServiceMeters;
import io.micrometer.core.instrument.Gauge;
import dev.pgvigil.schema.Violation;
import dev.pgvigil.schema.kafka.AvroSerde;
import dev.pgvigil.schema.kafka.Serdes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerter service: violations in, notifications out, nothing lost.
 *
 * <p>One loop thread owns the alerts. For each batch of violations it updates the {@link AlertBook},
 * writes the changed alerts to the compacted alerts topic, waits until the broker has them, and only
 * then commits the violations' offsets: a violation is either not yet committed (and read again after
 * a crash) or its alert, owing a notification, is in the alerts topic (and re-driven after a crash).
 * Groups whose time has come go through inhibit → silence → dedup → route; delivery (with retries) runs
 * on other threads; when it is done, the loop stamps the alerts as notified and writes them again. A
 * crash before the stamp means the notification goes out again, with the same idempotency key.
 *
 * <p>Ownership follows the violations topic's partitions: an alert lives in the alerts partition with
 * the number of the violations partition it came from, so several alerters in one consumer group split
 * the instances between them, and on a rebalance each loads exactly the alerts it was given.
 */
public final class Alerter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Alerter.class);
    private static final Duration MAX_POLL = Duration.ofMillis(100);
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration HOUSEKEEPING_EVERY = Duration.ofSeconds(1);
    private static final Duration SILENCE_RETENTION = Duration.ofDays(7);
    private static final int DELIVERY_THREADS = 4;

    /** What a group flush sent, handed back from the delivery threads to the loop. */
    private record Flush(List<AlertNotice> notices, Instant at, boolean done) {}

    private final AlerterConfig config;
    private final AlerterTopics topics;
    private final Clock clock;
    private final Map<String, Object> clientProperties;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AlertStateStore states;
    private final SilenceStore silences;
    private final AlertBook book = new AlertBook();
    private final GroupStage groups;
    private final NotificationPipeline pipeline;
    private final Deliverer deliverer;
    private final AlerterApi api;
    private final ServiceMeters meters = new ServiceMeters("alerter");
    private final AlerterMeters alerterMeters = new AlerterMeters(meters.registry());
    private final HealthChecks health = new HealthChecks();
    private final HttpApiServer http;
    private final AvroSerde<Violation> violationSerde = Serdes.violation();
    private final Set<String> inFlight = new HashSet<>();
    private final Queue<Flush> delivered = new ConcurrentLinkedQueue<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread loop;
    private volatile boolean running = true;
    private volatile List<AlertView> view = List.of();
    private Instant nextHousekeeping = Instant.MIN;
    private Instant nextSilencePurge = Instant.MIN;

    private Alerter(KafkaSettings kafka, AlerterConfig config, AlerterTopics topics, Clock clock) {
        this.config = config;
        this.topics = topics;
        this.clock = clock;
        this.loop = new Thread(this::run, "pgvigil-alerter");
        this.clientProperties = kafka.clientProperties();
        Map<String, Channel> channels = Channels.from(config);
        checkTopics();
        this.groups = new GroupStage(config.groupWait(), config.groupInterval());
        this.producer = new KafkaProducer<>(producerProperties());
        this.states = new AlertStateStore(topics.alerts(), producer);
        SilenceStore silenceStore = null;
        HttpApiServer server = null;
        try {
            silenceStore = SilenceStore.open(clientProperties, topics.silences(), true, LOAD_TIMEOUT);
            this.silences = silenceStore;
            this.pipeline = new NotificationPipeline(new InhibitStage(Set.copyOf(config.inhibitingRules())),
                    new SilenceStage(silences::active), new DedupStage(config.repeatInterval()), RouteStage.from(config));
            this.deliverer = new Deliverer(channels, RetryPolicy.from(config.retry()),
                    new DeadLetterTopic(topics.notificationsDlq(), producer), clock, DELIVERY_THREADS);
            this.api = new AlerterApi(() -> view, silences, clock);
            this.consumer = new KafkaConsumer<>(consumerProperties());
            meters.bindKafkaProducer(producer).bindKafkaConsumer(consumer);
            Gauge.builder("pgvigil.alerter.alerts.firing", () -> view.stream().filter(v -> v.status().equals("firing")).count())
                    .description("Firing alerts this alerter owns").register(meters.registry());
            health.register("alerter", this::healthCheck);
            if (config.httpEnabled()) {
                Router router = api.addTo(new Router());
                ServiceEndpoints.addTo(router, health, meters.registry());
                server = HttpApiServer.start(config.http(), router, config.http().token(), meters.registry());
            }
            this.http = server;
        } catch (IOException | RuntimeException e) {
            if (silenceStore != null) {
                silenceStore.close();
            }
            producer.close(Duration.ZERO);
            meters.close();
            if (e instanceof IOException) {
                throw new IllegalStateException("alerter HTTP API cannot listen on " + config.http().bindAddress() + ":"
                        + config.http().port() + ": " + e.getMessage(), e);
            }
            throw (RuntimeException) e;
        }
        log.info("alerter: channels {}, group wait {}, group interval {}, repeat {}{}", channels.keySet(),
                DurationText.format(config.groupWait()), DurationText.format(config.groupInterval()),
                DurationText.format(config.repeatInterval()),
                http == null ? "" : ", HTTP API on " + http.baseUri());
    }

    /** Starts an alerter on pgvigil's topics. */
    public static Alerter start(KafkaSettings kafka, AlerterConfig config) {
        return start(kafka, config, AlerterTopics.DEFAULT, Clock.systemUTC());
    }

    public static Alerter start(KafkaSettings kafka, AlerterConfig config, AlerterTopics topics, Clock clock) {
        Alerter alerter = new Alerter(kafka, config, topics, clock);
        alerter.loop.start();
        return alerter;
    }

    /** Waits until this alerter was given its partitions and loaded their alerts. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until the alerter stops (closed, or its loop failed). */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** The alerts this alerter owns, as of its last look (at most a second old). */
    public List<AlertView> alerts() {
        return view;
    }

    public Optional<InetSocketAddress> httpAddress() {
        return Optional.ofNullable(http).map(HttpApiServer::address);
    }

    /**
     * Adds the alerter's API routes to another server's router, for standalone mode serving everything
     * from one port (then run the alerter with {@code httpEnabled: false}).
     */
    public Router addRoutesTo(Router router) {
        return api.addTo(router);
    }

    /** UP while the loop runs and owns its partitions (after the first assignment). */
    private HealthChecks.Check healthCheck() {
        if (!loop.isAlive()) {
            return HealthChecks.Check.down("the alerter loop has stopped");
        }
        if (ready.getCount() > 0) {
            return HealthChecks.Check.down("waiting for partitions of " + topics.violations());
        }
        return HealthChecks.Check.up(book.size() + " alerts, " + inFlight.size() + " being delivered");
    }

    public SilenceStore silences() {
        return silences;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topics.violations()), new Ownership());
            while (running) {
                try {
                    step();
                } catch (RuntimeException e) {
                    if (!running) {
                        break;
                    }
                    log.error("alerter: {}; trying again in 1 s", e.toString(), e);
                    sleep(Duration.ofSeconds(1));
                }
            }
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.warn("closing the violations consumer: {}", e.toString());
            }
            producer.close(Duration.ofSeconds(5));
            stopped.countDown();
        }
    }

    private void step() {
        Instant now = clock.instant();
        boolean changed = stampDelivered();
        ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout(now));
        if (!records.isEmpty()) {
            intake(records);
            changed = true;
        }
        now = clock.instant();
        changed |= flushDueGroups(now);
        if (changed || !now.isBefore(nextHousekeeping)) {
            housekeeping(now);
            nextHousekeeping = now.plus(HOUSEKEEPING_EVERY);
        }
    }

    private Duration pollTimeout(Instant now) {
        Optional<Instant> next = groups.next();
        if (next.isEmpty()) {
            return MAX_POLL;
        }
        Duration untilNext = Duration.between(now, next.get());
        return untilNext.isNegative() ? Duration.ZERO : (untilNext.compareTo(MAX_POLL) < 0 ? untilNext : MAX_POLL);
    }

    /** Applies a batch of violations, makes the changed alerts durable, then commits the batch. */
    private void intake(ConsumerRecords<byte[], byte[]> records) {
        Instant now = clock.instant();
        List<Future<RecordMetadata>> writes = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
            Violation violation;
            try {
                violation = violationSerde.deserialize(record.topic(), record.value());
                if (violation == null) {
                    continue;
                }
                checkViolation(violation);
            } catch (SerializationException | IllegalArgumentException e) {
                log.error("violation at {}-{}@{} cannot be used, to {}: {}", record.topic(), record.partition(), record.offset(),
                        topics.alerterDlq(), e.getMessage());
                writes.add(deadLetter(record, e));
                alerterMeters.violation("dead_letter");
                continue;
            }
            Optional<Alert> changed = book.apply(violation, record.partition());
            changed.ifPresent(alert -> {
                writes.add(states.write(alert));
                groups.touch(alert.instanceId(), now);
                log.debug("{} {} {} on {} / {}", alert.status(), alert.severity(), alert.rule(), alert.instanceId(), alert.object());
            });
            alerterMeters.violation(changed.isPresent() ? "changed" : "unchanged");
        }
        producer.flush();
        try {
            for (Future<RecordMetadata> write : writes) {
                write.get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            rewind(records);
            throw new IllegalStateException("cannot write alert state to " + topics.alerts() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rewind(records);
            throw new IllegalStateException("interrupted while writing alert state", e);
        }
        consumer.commitSync(offsets);
    }

    private static void checkViolation(Violation v) {
        if (v.getFingerprint().isBlank() || v.getInstanceId().isBlank() || v.getRule().isBlank()) {
            throw new IllegalArgumentException("fingerprint, rule and instanceId must not be empty");
        }
    }

    /** After a failed write, reads the batch again (re-applying a violation is harmless). */
    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, records.records(tp).get(0).offset());
        }
    }

    private Future<RecordMetadata> deadLetter(ConsumerRecord<byte[], byte[]> record, Exception error) {
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(topics.alerterDlq(), record.key(), record.value());
        dead.headers().add("pgvigil.error", String.valueOf(error.getMessage()).getBytes(StandardCharsets.UTF_8));
        dead.headers().add("pgvigil.source.topic", record.topic().getBytes(StandardCharsets.UTF_8));
        dead.headers().add("pgvigil.source.partition", String.valueOf(record.partition()).getBytes(StandardCharsets.UTF_8));
        dead.headers().add("pgvigil.source.offset", String.valueOf(record.offset()).getBytes(StandardCharsets.UTF_8));
        return producer.send(dead);
    }

    /** Sends what each due group has to say; returns whether anything went out. */
    private boolean flushDueGroups(Instant now) {
        boolean sent = false;
        for (String instance : groups.due(now)) {
            List<Alert> group = book.alertsOf(instance);
            if (group.isEmpty()) {
                groups.remove(instance);
                continue;
            }
            NotificationPipeline.Plan plan = pipeline.plan(instance, group, inFlight, now);
            if (plan.isEmpty()) {
                continue;
            }
            plan.notices().forEach(n -> inFlight.add(n.alert().fingerprint()));
            CompletableFuture<?>[] deliveries = plan.notifications().stream()
                    .map(n -> deliverer.deliver(n).thenApply(outcome -> {
                        alerterMeters.delivery(outcome);
                        return outcome;
                    }))
                    .toArray(CompletableFuture[]::new);
            CompletableFuture.allOf(deliveries).whenComplete((ok, error) -> delivered.add(new Flush(plan.notices(), now, error == null)));
            sent = true;
        }
        return sent;
    }

    /** Marks delivered (or dead-lettered) alerts as notified and stores that; returns whether any were. */
    private boolean stampDelivered() {
        boolean any = false;
        Flush flush;
        while ((flush = delivered.poll()) != null) {
            for (AlertNotice notice : flush.notices()) {
                inFlight.remove(notice.alert().fingerprint());
                if (flush.done()) {
                    book.stamp(notice.alert(), flush.at()).ifPresent(states::write);
                }
            }
            any = true;
        }
        return any;
    }

    private void housekeeping(Instant now) {
        for (Alert finished : book.finished(now, config.resolvedRetention(), inFlight)) {
            book.remove(finished.fingerprint());
            states.delete(finished);
            if (book.alertsOf(finished.instanceId()).isEmpty()) {
                groups.remove(finished.instanceId());
            }
        }
        if (!now.isBefore(nextSilencePurge)) {
            nextSilencePurge = now.plus(Duration.ofHours(1));
            try {
                int purged = silences.purge(now.minus(SILENCE_RETENTION));
                if (purged > 0) {
                    log.info("removed {} silences that ended more than {} ago", purged, SILENCE_RETENTION);
                }
            } catch (RuntimeException e) {
                log.warn("cannot remove old silences: {}", e.getMessage());
            }
        }
        view = buildView(now);
    }

    private List<AlertView> buildView(Instant now) {
        List<AlertView> views = new ArrayList<>();
        for (String instance : book.instances()) {
            List<Alert> group = book.alertsOf(instance);
            for (Alert a : group) {
                boolean owed = pipeline.dedup().change(a, now).map(c -> c.isNews()).orElse(false);
                views.add(AlertView.of(a, owed, pipeline.silence().silencedBy(a, now), pipeline.inhibit().inhibited(a, group)));
            }
        }
        views.sort(java.util.Comparator.comparing(AlertView::instance).thenComparing(AlertView::rule).thenComparing(AlertView::object));
        return List.copyOf(views);
    }

    /** Loads the alerts of partitions this alerter is given, forgets those it loses. Runs on the loop thread. */
    private final class Ownership implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                Instant now = clock.instant();
                List<Integer> numbers = partitions.stream().map(TopicPartition::partition).sorted().toList();
                List<Alert> loaded = states.load(clientProperties, numbers, LOAD_TIMEOUT);
                loaded.forEach(book::put);
                loaded.forEach(a -> groups.touch(a.instanceId(), now));
                long owed = loaded.stream().filter(a -> pipeline.dedup().change(a, now).map(c -> c.isNews()).orElse(false)).count();
                log.info("alerter owns partitions {} of {}: {} alerts loaded, {} firing, {} owed a notification",
                        numbers, topics.violations(), loaded.size(), loaded.stream().filter(Alert::firing).count(), owed);
                view = buildView(now);
            }
            ready.countDown();
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            producer.flush();
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Set<String> instances = new LinkedHashSet<>();
            List<Alert> removed = book.removePartitions(partitions.stream().map(TopicPartition::partition).toList());
            removed.forEach(a -> instances.add(a.instanceId()));
            instances.stream().filter(i -> book.alertsOf(i).isEmpty()).forEach(groups::remove);
            log.info("alerter gave up partitions {} ({} alerts)", partitions, removed.size());
        }
    }

    private void checkTopics() {
        List<String> names = List.of(topics.violations(), topics.alerts(), topics.silences(), topics.notificationsDlq(), topics.alerterDlq());
        try (Admin admin = Admin.create(clientProperties)) {
            Map<String, TopicDescription> described = new HashMap<>();
            for (String name : names) {
                try {
                    described.put(name, admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name));
                } catch (ExecutionException e) {
                    throw new IllegalStateException("topic " + name + " is missing or unreadable (" + e.getCause().getMessage()
                            + "); `pgvigil alerter` creates pgvigil's topics at start");
                }
            }
            int violations = described.get(topics.violations()).partitions().size();
            int alerts = described.get(topics.alerts()).partitions().size();
            if (violations != alerts) {
                throw new IllegalStateException(topics.alerts() + " has " + alerts + " partitions but " + topics.violations() + " has "
                        + violations + ": the alerter keeps each alert in the partition its violations come from, so they must be equal");
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + clientProperties.get("bootstrap.servers") + " did not answer within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topics", e);
        }
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "pgvigil-alerter-producer"); // not the consumer's id: one app-info meter each
        return props;
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        if (config.groupInstanceId() != null && !config.groupInstanceId().isBlank()) {
            props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.groupInstanceId());
        }
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a new alerter reads every violation still kept: better an old alert than a lost one
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // the analyzer writes with exactly-once: never act on a violation it took back
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "pgvigil-alerter");
        return props;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops: deliveries still being retried are dropped (their alerts stay unstamped, so they go out
     * again after a restart), then the loop, the clients and the HTTP API.
     */
    @Override
    public void close() {
        running = false;
        deliverer.close();
        try {
            loop.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (http != null) {
            http.close();
        }
        silences.close();
        meters.close();
    }
}

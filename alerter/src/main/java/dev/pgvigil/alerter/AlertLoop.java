package dev.pgvigil.alerter;

import dev.pgvigil.alerter.notify.GroupStage;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.kafka.KafkaDenied;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the alerts. Each step: stamp what was delivered, poll violations and take
 * them in (state durable, then offsets committed), flush the groups that are due, do the housekeeping.
 * It polls no longer than until the next group is due. A failed step is tried again a second later
 * (the intake rewinds a batch it could not make durable), except a refused login or a missing ACL: only an
 * operator can fix that, so the loop ends and {@link #denied()} says why. On stop it closes the Kafka clients.
 */
final class AlertLoop {
    private static final Logger log = LoggerFactory.getLogger(AlertLoop.class);
    private static final Duration MAX_POLL = Duration.ofMillis(100);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final AlerterClients clients;
    private final KafkaSettings kafka;
    private final String violationsTopic;
    private final Clock clock;
    private final PartitionOwnership ownership;
    private final ViolationIntake intake;
    private final GroupStage groups;
    private final Dispatcher dispatcher;
    private final Housekeeping housekeeping;
    private final Thread thread = new Thread(this::run, "pgvigil-alerter");
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CompletableFuture<KafkaDenied> denied = new CompletableFuture<>();
    private volatile boolean running = true;

    AlertLoop(AlerterClients clients, KafkaSettings kafka, String violationsTopic, Clock clock, PartitionOwnership ownership, ViolationIntake intake,
            GroupStage groups, Dispatcher dispatcher, Housekeeping housekeeping) {
        this.clients = clients;
        this.kafka = kafka;
        this.violationsTopic = violationsTopic;
        this.clock = clock;
        this.ownership = ownership;
        this.intake = intake;
        this.groups = groups;
        this.dispatcher = dispatcher;
        this.housekeeping = housekeeping;
    }

    void start() {
        thread.start();
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Completed when Kafka refused the login or an ACL, which ended the loop. */
    CompletableFuture<KafkaDenied> denied() {
        return denied;
    }

    /** Asks the loop to stop after its current step. */
    void requestStop() {
        running = false;
    }

    /** Waits (at most {@code timeout}) for the loop to end. */
    void join(Duration timeout) {
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            clients.consumer().subscribe(List.of(violationsTopic), ownership);
            while (running) {
                try {
                    step();
                } catch (RuntimeException e) {
                    if (!running) {
                        break;
                    }
                    var refusal = KafkaDenied.in(e, kafka);
                    if (refusal.isPresent()) { // retrying cannot help: no line per attempt, the alerter stops with this one
                        denied.complete(refusal.get());
                        break;
                    }
                    log.error("alerter: {}; trying again in 1 s", e.toString(), e);
                    sleep(Duration.ofSeconds(1));
                }
            }
        } finally {
            clients.close(CLOSE_TIMEOUT);
            stopped.countDown();
        }
    }

    private void step() {
        Instant now = clock.instant();
        boolean changed = dispatcher.stampDelivered();
        ConsumerRecords<byte[], byte[]> records = clients.consumer().poll(pollTimeout(now));
        if (!records.isEmpty()) {
            intake.apply(records, clock.instant());
            changed = true;
        }
        now = clock.instant();
        changed |= dispatcher.flushDueGroups(now);
        housekeeping.runIfDue(now, changed);
    }

    private Duration pollTimeout(Instant now) {
        Optional<Instant> next = groups.next();
        if (next.isEmpty()) {
            return MAX_POLL;
        }
        Duration untilNext = Duration.between(now, next.get());
        return untilNext.isNegative() ? Duration.ZERO : (untilNext.compareTo(MAX_POLL) < 0 ? untilNext : MAX_POLL);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

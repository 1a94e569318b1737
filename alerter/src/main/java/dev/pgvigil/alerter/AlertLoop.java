package dev.pgvigil.alerter;

import dev.pgvigil.alerter.notify.GroupStage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the alerts. Each step: stamp what was delivered, poll violations and take
 * them in (state durable, then offsets committed), flush the groups that are due, do the housekeeping.
 * It polls no longer than until the next group is due. A failed step is tried again a second later
 * (the intake rewinds a batch it could not make durable); on stop it closes the Kafka clients.
 */
final class AlertLoop {
    private static final Logger log = LoggerFactory.getLogger(AlertLoop.class);
    private static final Duration MAX_POLL = Duration.ofMillis(100);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(30);

    private final AlerterClients clients;
    private final String violationsTopic;
    private final Clock clock;
    private final PartitionOwnership ownership;
    private final ViolationIntake intake;
    private final GroupStage groups;
    private final Dispatcher dispatcher;
    private final Housekeeping housekeeping;
    private final Thread thread = new Thread(this::run, "pgvigil-alerter");
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    AlertLoop(AlerterClients clients, String violationsTopic, Clock clock, PartitionOwnership ownership, ViolationIntake intake,
            GroupStage groups, Dispatcher dispatcher, Housekeeping housekeeping) {
        this.clients = clients;
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
            Duration denied = FIRST_RETRY;
            while (running) {
                try {
                    step();
                    denied = FIRST_RETRY;
                } catch (AuthorizationException e) {
                    if (!running) {
                        break;
                    }
                    // an ACL is missing: only an operator can fix it (live), so one line, no stack, and a growing pause
                    log.error("alerter: Kafka denies it: {}; grant the ACLs listed in docs/kafka.md; trying again in {} s",
                            e.getMessage(), denied.toSeconds());
                    sleep(denied);
                    denied = denied.multipliedBy(2).compareTo(LONGEST_RETRY) < 0 ? denied.multipliedBy(2) : LONGEST_RETRY;
                } catch (RuntimeException e) {
                    if (!running) {
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

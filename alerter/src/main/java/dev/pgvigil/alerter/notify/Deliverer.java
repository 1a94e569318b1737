package dev.pgvigil.alerter.notify;

import dev.pgvigil.alerter.channel.Channel;
import dev.pgvigil.alerter.config.DurationText;
import dev.pgvigil.alerter.model.Notification;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers each notification to its channel at least once: tries, and on failure tries again after
 * the {@link RetryPolicy}'s backoff, off the alerter's main loop so one slow receiver holds up nobody.
 * After the last attempt the notification becomes a dead letter and delivery counts as done.
 */
public final class Deliverer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Deliverer.class);

    /** How one delivery ended. */
    public record Outcome(Notification notification, boolean delivered, int attempts, String error) {}

    private final Map<String, Channel> channels;
    private final RetryPolicy policy;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor executor;

    public Deliverer(Map<String, Channel> channels, RetryPolicy policy, DeadLetters deadLetters, Clock clock, int threads) {
        this.channels = Map.copyOf(channels);
        this.policy = policy;
        this.deadLetters = deadLetters;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "pgvigil-delivery-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    /** Starts delivering; the future completes when it was delivered or given up on (never exceptionally). */
    public CompletableFuture<Outcome> deliver(Notification n) {
        Channel channel = channels.get(n.channel());
        if (channel == null) {
            throw new IllegalArgumentException("no channel named " + n.channel());
        }
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        Instant first = clock.instant();
        submit(() -> attempt(channel, n, 1, first, outcome), Duration.ZERO, outcome);
        return outcome;
    }

    private void attempt(Channel channel, Notification n, int attempt, Instant first, CompletableFuture<Outcome> outcome) {
        try {
            channel.send(n);
            if (attempt > 1) {
                log.info("{}: delivered {} on attempt {}", channel.name(), n.idempotencyKey(), attempt);
            }
            outcome.complete(new Outcome(n, true, attempt, null));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return; // shutting down: not delivered, not stamped, so sent again after a restart
            }
            String error = describe(e);
            if (attempt >= policy.maxAttempts()) {
                log.error("giving up on {} to {} after {} attempts, to the dead-letter topic: {}", n.idempotencyKey(), channel.name(), attempt, error);
                deadLetters.failed(n, attempt, error, first, clock.instant());
                outcome.complete(new Outcome(n, false, attempt, error));
                return;
            }
            Duration wait = policy.backoff(attempt, ThreadLocalRandom.current()::nextDouble);
            log.warn("attempt {}/{} for {} failed: {}; next in {}", attempt, policy.maxAttempts(),
                    n.idempotencyKey(), error, DurationText.format(wait));
            submit(() -> attempt(channel, n, attempt + 1, first, outcome), wait, outcome);
        }
    }

    private void submit(Runnable task, Duration delay, CompletableFuture<Outcome> outcome) {
        try {
            executor.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            outcome.cancel(false); // closing: left unstamped, so it goes out again after a restart
        }
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** Stops at once: deliveries still being retried are dropped, and (unstamped) go out again after a restart. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

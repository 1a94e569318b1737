package dev.pgvigil.alerter;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.alerter.model.AlertNotice;
import dev.pgvigil.alerter.notify.Deliverer;
import dev.pgvigil.alerter.notify.GroupStage;
import dev.pgvigil.alerter.notify.NotificationPipeline;
import dev.pgvigil.alerter.notify.Stage;
import dev.pgvigil.alerter.state.AlertBook;
import dev.pgvigil.alerter.state.AlertStateStore;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands due groups to the notification pipeline and its notifications to the {@link Deliverer}, and,
 * once they are delivered (or dead-lettered), stamps their alerts as notified and stores that. An alert
 * is "in flight" from hand-over to stamp: the pipeline skips it, so it is never sent twice at once; its
 * stored state says so too ({@code pendingStatus}), written before the notification leaves.
 * Called on the loop thread; only the {@code delivered} queue is touched by the delivery threads.
 */
final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    /** What a group flush sent, handed back from the delivery threads to the loop. */
    private record Flush(List<AlertNotice> notices, Instant at, boolean done) {}

    private final AlertBook book;
    private final GroupStage groups;
    private final NotificationPipeline pipeline;
    private final Deliverer deliverer;
    private final AlertStateStore states;
    private final AlerterMeters meters;
    private final Set<String> inFlight = new HashSet<>();
    private final Queue<Flush> delivered = new ConcurrentLinkedQueue<>();

    Dispatcher(AlertBook book, GroupStage groups, NotificationPipeline pipeline, Deliverer deliverer, AlertStateStore states,
            AlerterMeters meters) {
        this.book = book;
        this.groups = groups;
        this.pipeline = pipeline;
        this.deliverer = deliverer;
        this.states = states;
        this.meters = meters;
    }

    /** Sends what each due group has to say; returns whether anything went out. */
    boolean flushDueGroups(Instant now) {
        boolean sent = false;
        for (String instance : groups.due(now)) {
            List<Alert> group = book.alertsOf(instance);
            if (group.isEmpty()) {
                groups.remove(instance);
                continue;
            }
            Stage.Batch plan = pipeline.plan(instance, group, inFlight, now);
            if (plan.sendsNothing()) {
                continue;
            }
            plan.notices().forEach(n -> inFlight.add(n.alert().fingerprint()));
            CompletableFuture<Void> handedOver = handOver(plan.notices());
            CompletableFuture<?>[] deliveries = plan.notifications().stream()
                    .map(n -> handedOver.thenCompose(x -> deliverer.deliver(n)).thenApply(outcome -> {
                        meters.delivery(outcome);
                        return outcome;
                    }))
                    .toArray(CompletableFuture[]::new);
            handedOver.exceptionally(error -> {
                log.warn("{}: cannot store that a notification is on its way ({}); it goes at the next flush", instance, error.toString());
                return null;
            });
            CompletableFuture.allOf(deliveries).whenComplete((ok, error) -> delivered.add(new Flush(plan.notices(), now, error == null)));
            sent = true;
        }
        return sent;
    }

    /**
     * Stores, for each alert with news, that a notification announcing it is on its way, and completes
     * when the broker has that: only then may it leave. An alerter that crashes after it left finds the
     * mark and knows the receiver may have it (see {@link dev.pgvigil.alerter.notify.DedupStage#change}).
     * A failed write fails the flush: nothing was sent, the alerts stay unstamped and go out next time.
     */
    private CompletableFuture<Void> handOver(List<AlertNotice> notices) {
        CompletableFuture<?>[] writes = notices.stream()
                .filter(n -> n.change().isNews())
                .flatMap(n -> book.handOver(n.alert()).stream())
                .map(states::write)
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(writes);
    }

    /** Marks delivered (or dead-lettered) alerts as notified and stores that; returns whether any were. */
    boolean stampDelivered() {
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

    /** The fingerprints of the alerts being delivered (not to be forgotten before their stamp). */
    Set<String> inFlight() {
        return inFlight;
    }
}

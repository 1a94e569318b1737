package dev.pgvigil.alerter;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.alerter.notify.DedupStage;
import dev.pgvigil.alerter.notify.GroupStage;
import dev.pgvigil.alerter.state.AlertBook;
import dev.pgvigil.alerter.state.AlertStateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ownership follows the violations topic's partitions: an alert lives in the alerts partition with the
 * number of the violations partition it came from. On an assignment this loads the alerts of the
 * partitions given (their groups form again, so owed notifications go out); on a revocation or loss it
 * forgets them. Runs on the loop thread, inside the consumer's poll.
 */
final class PartitionOwnership implements ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(PartitionOwnership.class);
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(2);

    private final AlerterClients clients;
    private final String violationsTopic;
    private final AlertStateStore states;
    private final AlertBook book;
    private final GroupStage groups;
    private final DedupStage dedup;
    private final AlertViews views;
    private final Clock clock;
    private final CountDownLatch ready = new CountDownLatch(1);

    PartitionOwnership(AlerterClients clients, String violationsTopic, AlertStateStore states, AlertBook book, GroupStage groups,
            DedupStage dedup, AlertViews views, Clock clock) {
        this.clients = clients;
        this.violationsTopic = violationsTopic;
        this.states = states;
        this.book = book;
        this.groups = groups;
        this.dedup = dedup;
        this.views = views;
        this.clock = clock;
    }

    /** Waits until the first assignment (possibly of no partitions) was loaded. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isReady() {
        return ready.getCount() == 0;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            Instant now = clock.instant();
            List<Integer> numbers = partitions.stream().map(TopicPartition::partition).sorted().toList();
            List<Alert> loaded = states.load(clients.properties(), numbers, LOAD_TIMEOUT);
            loaded.forEach(book::put);
            loaded.forEach(a -> groups.touch(a.instanceId(), now));
            long owed = loaded.stream().filter(a -> dedup.hasNews(a, now)).count();
            log.info("alerter owns partitions {} of {}: {} alerts loaded, {} firing, {} owed a notification",
                    numbers, violationsTopic, loaded.size(), loaded.stream().filter(Alert::firing).count(), owed);
            views.refresh(now);
        }
        ready.countDown();
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        clients.producer().flush();
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

package dev.pgvigil.alerter.notify;

import dev.pgvigil.alerter.model.Alert;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The decision half of the chain, for one instance's group whose time has come: its stages in order
 * (inhibit → silence → dedup → route, see {@code Alerter}). The {@link GroupStage} before it says when
 * a group is looked at and is not in the list: it holds timers across flushes rather than transforming
 * one group's batch. Delivery after it sends, on other threads.
 */
public final class NotificationPipeline {
    private final List<Stage> stages;

    public NotificationPipeline(List<Stage> stages) {
        this.stages = List.copyOf(stages);
    }

    /** What a flush of {@code group} decided: its notices (to stamp once delivered) and notifications. */
    public Stage.Batch plan(String instanceId, List<Alert> group, Set<String> inFlight, Instant now) {
        Stage.Context context = new Stage.Context(instanceId, inFlight, now);
        Stage.Batch batch = Stage.Batch.of(group);
        for (Stage stage : stages) {
            batch = stage.apply(batch, context);
        }
        return batch;
    }
}

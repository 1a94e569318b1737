package dev.pgvigil.alerter.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * When each instance's alerts may go out together (Alertmanager's aggregation group, grouped by
 * instance): a group that forms waits {@code groupWait}, so alerts that fire together make one message;
 * after that it is looked at every {@code groupInterval}. The later stages decide whether there is
 * anything to say.
 *
 * <p>Not a {@link Stage}: it transforms no batch, it keeps a timer per group across flushes and says
 * which groups the {@link NotificationPipeline} looks at, and when.
 */
public final class GroupStage {
    private final Duration groupWait;
    private final Duration groupInterval;
    private final Map<String, Instant> nextFlushAt = new HashMap<>();

    public GroupStage(Duration groupWait, Duration groupInterval) {
        this.groupWait = groupWait;
        this.groupInterval = groupInterval;
    }

    /** An alert of {@code instanceId} changed or was loaded: the instance's group forms if it has not. */
    public void touch(String instanceId, Instant now) {
        nextFlushAt.putIfAbsent(instanceId, now.plus(groupWait));
    }

    /** The groups whose time has come; each is next due one group interval from now. */
    public List<String> due(Instant now) {
        List<String> due = new ArrayList<>();
        for (Map.Entry<String, Instant> e : nextFlushAt.entrySet()) {
            if (!e.getValue().isAfter(now)) {
                due.add(e.getKey());
                e.setValue(now.plus(groupInterval));
            }
        }
        return due;
    }

    /** The group has no alerts left: it dissolves, and a new alert forms a new group (with a new wait). */
    public void remove(String instanceId) {
        nextFlushAt.remove(instanceId);
    }

    /** When the next group is due, if any. */
    public Optional<Instant> next() {
        return nextFlushAt.values().stream().min(Instant::compareTo);
    }

    public boolean has(String instanceId) {
        return nextFlushAt.containsKey(instanceId);
    }
}

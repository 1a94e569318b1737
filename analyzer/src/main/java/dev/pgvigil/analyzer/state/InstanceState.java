package dev.pgvigil.analyzer.state;

import dev.pgvigil.rules.Condition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the analyzer knows about one instance as a whole, from its snapshot envelopes and activity:
 * when it was last read successfully, its collection interval, which counter series is current, and
 * the conditions of the instance-wide rules.
 */
public final class InstanceState {
    public String instanceId;
    public Map<String, String> labels = new HashMap<>();
    /** collectedAt of the first envelope ever seen (epoch ms). */
    public long firstSeenMs = -1;
    /** collectedAt of the newest envelope, successful or not. */
    public long lastEnvelopeMs = -1;
    /** collectedAt of the newest OK or PARTIAL envelope; -1 if none yet. */
    public long lastSuccessMs = -1;
    /** The last few gaps between envelopes, for the collection interval. */
    public List<Long> gapsMs = new ArrayList<>();
    public Long postmasterStartMs;
    public Long statementsResetMs;
    /** Bumped when the postmaster restarts: every counter series starts again. */
    public int epoch;
    /** Bumped on a restart or a pg_stat_statements reset. */
    public int statementsEpoch;
    /** The database the collector reads tables and indexes from. */
    public String database;
    public String lastStatus;
    public String lastError;
    /** collectedAt of the newest activity record, and its connection count (for named baselines). */
    public long lastActivityMs = -1;
    public int connections;
    /** max_connections from the newest activity record; 0 until known. */
    public int maxConnections;
    /** The server's version string from the newest envelope that had one. */
    public String serverVersion;
    /** The newest time instance_down was judged at (an envelope's collectedAt or the wall clock); -1 before. */
    public long lastDownJudgedMs = -1;
    /** Instance-wide rule (wire name) → condition that holds. */
    public Map<String, Condition> conditions = new HashMap<>();

    public static InstanceState create(String instanceId) {
        InstanceState s = new InstanceState();
        s.instanceId = instanceId;
        return s;
    }

    /** The collection interval: the median of the recent gaps, or {@code assumed} before two envelopes. */
    public Duration interval(Duration assumed) {
        if (gapsMs.isEmpty()) {
            return assumed;
        }
        List<Long> sorted = new ArrayList<>(gapsMs);
        sorted.sort(null);
        return Duration.ofMillis(sorted.get(sorted.size() / 2));
    }

    /** Records an envelope's timing and series markers; returns true when a restart or reset started new series. */
    public void observe(long collectedAtMs, Long postmasterStart, Long statementsReset) {
        if (firstSeenMs < 0) {
            firstSeenMs = collectedAtMs;
        }
        if (lastEnvelopeMs >= 0 && collectedAtMs > lastEnvelopeMs) {
            gapsMs.add(collectedAtMs - lastEnvelopeMs);
            if (gapsMs.size() > 5) {
                gapsMs.remove(0);
            }
        }
        lastEnvelopeMs = Math.max(lastEnvelopeMs, collectedAtMs);
        if (postmasterStart != null) {
            if (postmasterStartMs != null && !Objects.equals(postmasterStartMs, postmasterStart)) {
                epoch++;
                statementsEpoch++;
            }
            postmasterStartMs = postmasterStart;
        }
        if (statementsReset != null) {
            if (statementsResetMs != null && !Objects.equals(statementsResetMs, statementsReset)) {
                statementsEpoch++;
            }
            statementsResetMs = statementsReset;
        }
    }
}

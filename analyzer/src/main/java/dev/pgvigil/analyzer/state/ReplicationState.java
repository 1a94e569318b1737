package dev.pgvigil.analyzer.state;

import dev.pgvigil.rules.Condition;
import dev.pgvigil.web.DashboardData.ReplicationStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the analyzer remembers of one instance's replication between snapshots: its last WAL position
 * (for the WAL rate), the standbys it has seen and when, when its own WAL receiver last streamed, the
 * archiver's counters, a sample a minute of the checkpoint counters over the last hour, since when each
 * horizon holder the server cannot date has held the same xmin, and the conditions of the replication rules.
 */
public final class ReplicationState {
    /** The WAL position of the last snapshot: the current LSN on a primary, the receive LSN on a standby. */
    public Long walLsn;
    /** Standby name → when (collectedAt, ms) it was last in pg_stat_replication. */
    public Map<String, Long> standbysSeenMs = new HashMap<>();
    /** On a standby: when its WAL receiver was last seen streaming; -1 never. */
    public long streamingSeenMs = -1;
    public Long archiverFailed;
    public Long archiverArchived;
    public Long archiverResetMs;
    /** The checkpoint counters of the last hour, oldest first, at most one sample a minute (and the newest). */
    public List<CheckpointSample> checkpoints = new ArrayList<>();
    /** Holder (kind:name) → the xmin it holds and since when, for holders the server gives no start time (slots, walsenders). */
    public Map<String, HeldSince> heldSince = new HashMap<>();
    /** The WAL slots keep on disk now (the oldest slot's), counted in the disk projection. */
    public long slotRetainedBytes;
    /** How fast that grows: the WAL rate while an inactive slot holds WAL back, else 0 (active slots follow). */
    public double slotRetainedGrowthPerS;
    /** The newest snapshot as the dashboard shows it (null until one arrived; older states have none). */
    public ReplicationStatus latest;
    /** (rule, object) → the condition that holds. */
    public Map<String, Condition> conditions = new HashMap<>();

    /** Checkpoint counters at one snapshot, with the WAL position then, for the WAL rate over the window. */
    public record CheckpointSample(long atMs, long timed, long requested, Long lsn, Long statsResetMs) {}

    public record HeldSince(long xmin, long sinceMs) {}
}

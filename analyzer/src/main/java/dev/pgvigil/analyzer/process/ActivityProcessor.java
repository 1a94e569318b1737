package dev.pgvigil.analyzer.process;

import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.state.InstanceState;
import dev.pgvigil.analyzer.state.KindCursor;
import dev.pgvigil.rules.BlockedSessionsRule;
import dev.pgvigil.rules.ConnectionsRule;
import dev.pgvigil.rules.Decision;
import dev.pgvigil.rules.IdleInTransactionRule;
import dev.pgvigil.rules.LongRunningQueryRule;
import dev.pgvigil.rules.Rule;
import dev.pgvigil.rules.RuleThresholds;
import dev.pgvigil.rules.Session;
import dev.pgvigil.schema.ActivitySnapshot;
import dev.pgvigil.schema.ChunkInfo;
import dev.pgvigil.schema.SessionInfo;
import dev.pgvigil.schema.SnapshotRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * pg_stat_activity summaries → connection and session metrics, and the instance-wide session rules:
 * connections used, idle in transaction, long-running queries, sessions blocked on locks.
 */
public final class ActivityProcessor extends ChunkProcessor<ActivitySnapshot> {
    public static final String KIND = "activity";

    public ActivityProcessor(AnalyzerConfig config) {
        super(config, KIND, ActivitySnapshot::getRef, ActivitySnapshot::getChunk);
    }



    static Session session(SessionInfo s) {
        return new Session(s.getPid(), s.getDatname(), s.getUsename(), s.getApplicationName(), s.getState(), s.getWaitEventType(),
                s.getXactAgeSeconds(), s.getQueryAgeSeconds(), s.getStateAgeSeconds(), s.getBlockedBy(), s.getQuery());
    }

    @Override
    protected void chunk(ActivitySnapshot a, KindCursor cursor, InstanceState instance, Instant at) {
        String instanceId = instance.instanceId;
        String snapshotId = a.getRef().getSnapshotId();
        RuleThresholds t = thresholds(instanceId);
        List<Session> sessions = a.getSessions().stream().map(ActivityProcessor::session).toList();
        MetricBatcher metrics = batcher(instanceId, snapshotId, cursor);
        int usable = ConnectionsRule.usableSlots(a.getMaxConnections(), a.getSuperuserReservedConnections(), a.getReservedConnections());
        metrics.add("instance.connections", Map.of(), a.getTotalConnections());
        if (usable > 0) {
            metrics.add("instance.connections_used_ratio", Map.of(), (double) a.getTotalConnections() / usable);
        }
        a.getByState().forEach((state, n) -> metrics.add("instance.sessions", Map.of("state", state), n));
        metrics.add("instance.sessions_waiting_on_locks", Map.of(), a.getWaitingOnLocksCount());
        metrics.add("instance.idle_in_transaction_sessions", Map.of(), a.getIdleInTransactionCount());
        if (a.getOldestXactAgeSeconds() != null) {
            metrics.add("instance.oldest_xact_s", Map.of(), a.getOldestXactAgeSeconds());
        }
        if (a.getOldestQueryAgeSeconds() != null) {
            metrics.add("instance.oldest_query_s", Map.of(), a.getOldestQueryAgeSeconds());
        }
        if (a.getOldestIdleInTransactionSeconds() != null) {
            metrics.add("instance.oldest_idle_in_transaction_s", Map.of(), a.getOldestIdleInTransactionSeconds());
        }
        metrics.add("instance.blocked_sessions", Map.of(), BlockedSessionsRule.longBlocked(sessions, t.get(Rule.BLOCKED_SESSIONS)).size());
        metrics.flush();

        String subject = "instance " + instanceId;
        judge(instance, Rule.CONNECTIONS_USED, ConnectionsRule.evaluate(a.getTotalConnections(), a.getMaxConnections(),
                a.getSuperuserReservedConnections(), a.getReservedConnections(), t.get(Rule.CONNECTIONS_USED), subject), t, at, snapshotId);
        judge(instance, Rule.IDLE_IN_TRANSACTION, IdleInTransactionRule.evaluate(a.getOldestIdleInTransactionSeconds(), sessions,
                t.get(Rule.IDLE_IN_TRANSACTION), subject), t, at, snapshotId);
        judge(instance, Rule.LONG_RUNNING_QUERY, LongRunningQueryRule.evaluate(a.getOldestQueryAgeSeconds(), sessions,
                t.get(Rule.LONG_RUNNING_QUERY), subject), t, at, snapshotId);
        judge(instance, Rule.BLOCKED_SESSIONS, BlockedSessionsRule.evaluate(sessions, t.get(Rule.BLOCKED_SESSIONS), subject), t, at, snapshotId);

        instance.lastActivityMs = at.toEpochMilli();
        instance.connections = a.getTotalConnections();
        instance.maxConnections = a.getMaxConnections();
        instances.put(instanceId, instance);
    }

    private void judge(InstanceState instance, Rule rule, Decision d, RuleThresholds t, Instant at, String snapshotId) {
        Subject subject = new Subject(rule.wireName(), instance.instanceId, instance.instanceId, Map.of());
        outputs.judge(instance.conditions, rule.wireName(), subject, d, t.get(rule), at, snapshotId);
    }
}

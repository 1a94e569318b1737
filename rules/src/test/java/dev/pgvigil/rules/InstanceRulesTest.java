package dev.pgvigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceRulesTest {
    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    private final RuleThresholds t = RuleThresholds.defaults();

    @Test
    void connectionsAreMeasuredAgainstUsableSlots() {
        // 100 max, 3 superuser reserved, 0 reserved: 97 usable; 80 used is 82.5 %
        Decision d = ConnectionsRule.evaluate(80, 100, 3, 0, t.get(Rule.CONNECTIONS_USED), "instance");
        assertThat(d.severity()).isEqualTo(Severity.WARNING);
        assertThat(d.value()).isEqualTo(80 / 97.0);
        assertThat(d.message()).contains("80 of 97 usable slots");
        assertThat(ConnectionsRule.evaluate(80, 110, 10, 0, t.get(Rule.CONNECTIONS_USED), "i").firing()).isFalse(); // exactly 80 %
        assertThat(ConnectionsRule.evaluate(95, 100, 3, 2, t.get(Rule.CONNECTIONS_USED), "i").severity()).isEqualTo(Severity.CRITICAL);
        assertThat(ConnectionsRule.evaluate(5, 3, 3, 0, t.get(Rule.CONNECTIONS_USED), "i").evidence()).isFalse();
    }

    private static Session session(int pid, String state, double queryAge, double stateAge, List<Integer> blockedBy) {
        return new Session(pid, "shop", "app", "web", state, blockedBy.isEmpty() ? null : "Lock", queryAge, queryAge, stateAge, blockedBy, "UPDATE t SET x = $1");
    }

    @Test
    void idleInTransactionOverFiveMinutes() {
        List<Session> s = List.of(session(10, "idle in transaction", 400, 400, List.of()), session(11, "active", 1, 1, List.of()));
        Decision d = IdleInTransactionRule.evaluate(400.0, s, t.get(Rule.IDLE_IN_TRANSACTION), "instance i1");
        assertThat(d.severity()).isEqualTo(Severity.WARNING);
        assertThat(d.message()).contains("pid 10");
        assertThat(IdleInTransactionRule.evaluate(300.0, List.of(), t.get(Rule.IDLE_IN_TRANSACTION), "i").firing()).isFalse();
        assertThat(IdleInTransactionRule.evaluate(null, List.of(), t.get(Rule.IDLE_IN_TRANSACTION), "i").firing()).isFalse();
        assertThat(IdleInTransactionRule.finding("i1", s, d).orElseThrow().recommendation()).contains("pg_terminate_backend(10)");
    }

    @Test
    void longRunningQueryOverFiveMinutes() {
        List<Session> s = List.of(session(20, "active", 2000, 2000, List.of()));
        Decision d = LongRunningQueryRule.evaluate(2000.0, s, t.get(Rule.LONG_RUNNING_QUERY), "instance i1");
        assertThat(d.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(d.message()).contains("pid 20", "UPDATE t");
        assertThat(LongRunningQueryRule.finding("i1", s, d).orElseThrow().recommendation()).contains("pg_cancel_backend(20)");
        assertThat(LongRunningQueryRule.evaluate(10.0, List.of(), t.get(Rule.LONG_RUNNING_QUERY), "i").firing()).isFalse();
    }

    @Test
    void blockedSessionsCountOnlyLongWaits() {
        List<Session> s = List.of(
                session(30, "active", 45, 45, List.of(7)),
                session(31, "active", 2, 2, List.of(7)), // a moment's wait is normal
                session(7, "idle in transaction", 0, 60, List.of()));
        Decision d = BlockedSessionsRule.evaluate(s, t.get(Rule.BLOCKED_SESSIONS), "instance i1");
        assertThat(d.severity()).isEqualTo(Severity.WARNING);
        assertThat(d.value()).isEqualTo(1);
        assertThat(d.message()).contains("pid 30", "[7]");
        assertThat(BlockedSessionsRule.finding("i1", s, t.get(Rule.BLOCKED_SESSIONS), d).orElseThrow().recommendation())
                .contains("pg_terminate_backend(7)");
        assertThat(BlockedSessionsRule.evaluate(List.of(session(31, "active", 2, 2, List.of(7))), t.get(Rule.BLOCKED_SESSIONS), "i").firing()).isFalse();
    }

    @Test
    void xidWraparoundAtHalfAndThreeQuarters() {
        Threshold x = t.get(Rule.XID_WRAPAROUND);
        assertThat(XidWraparoundRule.evaluate(1L << 30, x, "db").firing()).isFalse(); // exactly 50 %
        assertThat(XidWraparoundRule.evaluate((1L << 30) + 1, x, "db").severity()).isEqualTo(Severity.WARNING);
        assertThat(XidWraparoundRule.evaluate(1_700_000_000L, x, "db").severity()).isEqualTo(Severity.CRITICAL);
        assertThat(XidWraparoundRule.finding("i1", "shop", XidWraparoundRule.evaluate(1_700_000_000L, x, "db")).orElseThrow()
                .recommendation()).contains("VACUUM (FREEZE");
    }

    @Test
    void instanceDownCountsMissedIntervals() {
        Threshold d = t.get(Rule.INSTANCE_DOWN); // > 3 warning, > 10 critical
        Duration ten = Duration.ofSeconds(10);
        assertThat(InstanceDownRule.evaluate(NOW.minusSeconds(25), null, NOW, ten, d, "i").firing()).isFalse();
        assertThat(InstanceDownRule.evaluate(NOW.minusSeconds(30), null, NOW, ten, d, "i").firing()).isFalse();
        assertThat(InstanceDownRule.evaluate(NOW.minusSeconds(31), null, NOW, ten, d, "i").severity()).isEqualTo(Severity.WARNING);
        assertThat(InstanceDownRule.evaluate(NOW.minusSeconds(200), null, NOW, ten, d, "i").severity()).isEqualTo(Severity.CRITICAL);
        Decision never = InstanceDownRule.evaluate(null, NOW.minusSeconds(60), NOW, ten, d, "i");
        assertThat(never.severity()).isEqualTo(Severity.WARNING);
        assertThat(never.message()).contains("never read successfully");
        assertThat(InstanceDownRule.evaluate(null, null, NOW, ten, d, "i").evidence()).isFalse();
    }

    @Test
    void regressionAgainstBaseline() {
        Threshold r = t.get(Rule.REGRESSION); // > 2x, > 4x, 3 days
        assertThat(RegressionRule.evaluate("mean_time_ms", 30, 10, 5, false, r, "i1").severity()).isEqualTo(Severity.WARNING);
        assertThat(RegressionRule.evaluate("mean_time_ms", 50, 10, 5, false, r, "i1").severity()).isEqualTo(Severity.CRITICAL);
        assertThat(RegressionRule.evaluate("mean_time_ms", 20, 10, 5, false, r, "i1").firing()).isFalse(); // exactly 2x
        assertThat(RegressionRule.evaluate("mean_time_ms", 3, 10, 5, false, r, "i1").firing()).isFalse(); // faster is fine
        assertThat(RegressionRule.evaluate("tps", 3, 10, 5, true, r, "i1").severity()).isEqualTo(Severity.WARNING); // a drop is news too
        assertThat(RegressionRule.evaluate("mean_time_ms", 50, 10, 2, false, r, "i1").evidence()).isFalse();
        assertThat(RegressionRule.evaluate("mean_time_ms", 50, 0, 5, false, r, "i1").evidence()).isFalse();
    }

    @Test
    void diskGrowth() {
        assertThat(DiskGrowth.bytesPerDay(1000, 3000, 2).getAsDouble()).isEqualTo(1000);
        assertThat(DiskGrowth.daysUntilFull(8000, 1000, 10_000).getAsDouble()).isEqualTo(2);
        assertThat(DiskGrowth.daysUntilFull(8000, 0, 10_000)).isEmpty();
        assertThat(DiskGrowth.daysUntilFull(8000, -5, 10_000)).isEmpty();
        assertThat(DiskGrowth.bytesPerDay(1, 2, 0)).isEmpty();
    }
}

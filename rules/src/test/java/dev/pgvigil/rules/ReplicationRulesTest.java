package dev.pgvigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicationRulesTest {
    private static final long MIB = 1024L * 1024;
    private final RuleThresholds t = RuleThresholds.defaults();
    private final Threshold seconds = t.get(Rule.REPLICATION_LAG);
    private final Threshold bytes = t.get(Rule.REPLICATION_LAG_BYTES);

    @Test
    void replayLagInTimeCountsOnlyWhileWalIsWritten() {
        Decision moving = ReplicationLagRule.evaluate(45.0, 1024L, true, seconds, bytes, "standby s1");
        assertThat(moving.severity()).isEqualTo(Severity.WARNING);
        assertThat(moving.rule()).isEqualTo(Rule.REPLICATION_LAG);
        assertThat(moving.value()).isEqualTo(45.0);
        assertThat(moving.message()).contains("standby s1", "replay lag 45", "1.0 KiB of WAL not replayed", "warning above 30");
        // an idle primary: the same seconds are no evidence, the bytes say it has caught up
        Decision idle = ReplicationLagRule.evaluate(4000.0, 0L, false, seconds, bytes, "standby s1");
        assertThat(idle.firing()).isFalse();
        assertThat(idle.message()).contains("not judged");
        assertThat(ReplicationLagRule.evaluate(4000.0, null, false, seconds, bytes, "s").evidence()).isFalse();
        assertThat(ReplicationLagRule.evaluate(30.0, 0L, true, seconds, bytes, "s").firing()).as("exactly at the level").isFalse();
        assertThat(ReplicationLagRule.evaluate(301.0, 0L, true, seconds, bytes, "s").severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void byteLagCountsAlwaysAndTheWorseMeasureDecides() {
        Decision idleButBehind = ReplicationLagRule.evaluate(null, 300 * MIB, false, seconds, bytes, "standby s1");
        assertThat(idleButBehind.severity()).isEqualTo(Severity.WARNING);
        assertThat(idleButBehind.value()).isEqualTo(300.0 * MIB);
        assertThat(idleButBehind.threshold()).isEqualTo(256.0 * MIB);
        assertThat(idleButBehind.message()).contains("300 MiB of WAL not replayed", "warning above 256 MiB");
        Decision both = ReplicationLagRule.evaluate(40.0, 2048 * MIB, true, seconds, bytes, "s");
        assertThat(both.severity()).as("bytes critical beats seconds warning").isEqualTo(Severity.CRITICAL);
        assertThat(both.value()).isEqualTo(2048.0 * MIB);
        Decision timeWorse = ReplicationLagRule.evaluate(400.0, 300 * MIB, true, seconds, bytes, "s");
        assertThat(timeWorse.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(timeWorse.value()).isEqualTo(400.0);
        assertThat(ReplicationLagRule.evaluate(1.0, 256 * MIB, true, seconds, bytes, "s").firing()).as("exactly at the level").isFalse();
    }

    @Test
    void aStandbyGoneFromThePrimaryIsMissedForAnHour() {
        Threshold d = t.get(Rule.STANDBY_DISCONNECTED);
        assertThat(StandbyDisconnectedRule.onPrimary(true, 0, d, "standby s1").firing()).isFalse();
        Decision gone = StandbyDisconnectedRule.onPrimary(false, 0, d, "standby s1");
        assertThat(gone.severity()).as("gone this very interval").isEqualTo(Severity.CRITICAL);
        assertThat(StandbyDisconnectedRule.onPrimary(false, 25, d, "standby s1").message())
                .isEqualTo("standby s1: gone from pg_stat_replication, last seen 25 s ago");
        long seen = Instant.parse("2025-03-01T12:00:00Z").toEpochMilli();
        assertThat(StandbyDisconnectedRule.remembered(seen, seen + 3_600_000)).isTrue();
        assertThat(StandbyDisconnectedRule.remembered(seen, seen + 3_600_001)).isFalse();
    }

    @Test
    void aStandbysOwnReceiverMustStreamWhenItShould() {
        Threshold d = t.get(Rule.STANDBY_DISCONNECTED);
        assertThat(StandbyDisconnectedRule.onStandby(false, null, null, 60, d, "i").evidence()).as("restores from an archive only").isFalse();
        assertThat(StandbyDisconnectedRule.onStandby(true, "streaming", "db1", 0, d, "i").firing()).isFalse();
        Decision stopped = StandbyDisconnectedRule.onStandby(true, null, null, 12, d, "instance s");
        assertThat(stopped.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(stopped.message()).contains("WAL receiver not running", "12 s");
        assertThat(StandbyDisconnectedRule.onStandby(true, "waiting", "db1", 12, d, "i").message()).contains("'waiting'", "upstream db1");
        Decision unknownSince = StandbyDisconnectedRule.onStandby(true, null, null, Double.NaN, d, "instance s");
        assertThat(unknownSince.severity()).as("a one-off look: since when is unknown, not streaming is enough").isEqualTo(Severity.CRITICAL);
        assertThat(unknownSince.message()).isEqualTo("instance s: WAL receiver not running");
    }

    @Test
    void anInactiveSlotIsJudgedByTheWalItRetainsAndAnEndangeredOneAlways() {
        Threshold s = t.get(Rule.REPLICATION_SLOT_RETENTION);
        assertThat(SlotRetentionRule.evaluate(true, "extended", 20_000 * MIB, s, "slot a").firing()).as("active: a lag matter").isFalse();
        Decision inactive = SlotRetentionRule.evaluate(false, "extended", 2048 * MIB, s, "slot a");
        assertThat(inactive.severity()).isEqualTo(Severity.WARNING);
        assertThat(inactive.message()).isEqualTo("slot a: inactive, retains 2.0 GiB (warning above 1.0 GiB)");
        assertThat(SlotRetentionRule.evaluate(false, "reserved", 1024 * MIB, s, "slot a").firing()).as("exactly at the level").isFalse();
        assertThat(SlotRetentionRule.evaluate(false, "reserved", 11 * 1024 * MIB, s, "slot a").severity()).isEqualTo(Severity.CRITICAL);
        Decision lost = SlotRetentionRule.evaluate(true, "lost", null, s, "slot a");
        assertThat(lost.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(lost.message()).contains("wal_status lost", "new base backup");
        assertThat(SlotRetentionRule.evaluate(false, "unreserved", MIB, s, "slot a").severity()).isEqualTo(Severity.CRITICAL);
        assertThat(SlotRetentionRule.evaluate(false, null, null, s, "slot a").evidence()).as("never used").isFalse();
    }

    @Test
    void theArchiverFailsWhenFailuresGrowAndStaysFailingUntilASuccess() {
        Threshold a = t.get(Rule.ARCHIVER_FAILING);
        Instant success = Instant.parse("2025-03-01T12:00:00Z");
        Instant failure = success.plusSeconds(30);
        Decision failing = ArchiverRule.evaluate("on", 3, failure, "000000010000000000000007", success, false, a, "instance p");
        assertThat(failing.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(failing.message()).contains("3 failed attempts", "000000010000000000000007");
        assertThat(ArchiverRule.evaluate("on", 0, failure, null, success, true, a, "i").severity())
                .as("no retry this interval, still not archived").isEqualTo(Severity.CRITICAL);
        assertThat(ArchiverRule.evaluate("on", 0, failure, null, success, false, a, "i").firing())
                .as("an old failure, not growing: not news").isFalse();
        assertThat(ArchiverRule.evaluate("on", 0, failure, null, failure.plusSeconds(1), true, a, "i").firing())
                .as("a success after the failure ends it").isFalse();
        assertThat(ArchiverRule.evaluate("on", 2, failure, null, null, false, a, "i").firing()).as("never archived yet").isTrue();
        assertThat(ArchiverRule.evaluate("off", 2, failure, null, null, false, a, "i").evidence()).isFalse();
    }

    private static VacuumHorizonRule.Holder holder(String kind, String name, long xminAge, Double seconds) {
        return new VacuumHorizonRule.Holder(kind, name, xminAge, seconds, "shop", "alice", "psql", "idle in transaction");
    }

    @Test
    void theHorizonIsJudgedByItsOldestHolderNamed() {
        Threshold h = t.get(Rule.VACUUM_HORIZON_HELD);
        List<VacuumHorizonRule.Holder> holders = List.of(holder("session", "4242", 900, 4000.0), holder("slot", "gone", 5000, null),
                holder("prepared", "tx1", 100, 200.0));
        Decision d = VacuumHorizonRule.evaluate(holders, h, "instance p");
        assertThat(d.severity()).isEqualTo(Severity.WARNING);
        assertThat(d.value()).isEqualTo(4000.0);
        assertThat(d.message()).contains("vacuum horizon held for 1 h 06 min", "session pid 4242 (alice@shop, psql, idle in transaction)",
                "xmin age 900");
        assertThat(VacuumHorizonRule.finding("p", holders.get(0), d).orElseThrow().statements())
                .containsExactly("SELECT pg_terminate_backend(4242);");
        assertThat(VacuumHorizonRule.finding("p", holders.get(1), d).orElseThrow().statements())
                .containsExactly("SELECT pg_drop_replication_slot('gone');");
        assertThat(VacuumHorizonRule.finding("p", holders.get(2), d).orElseThrow().recommendation())
                .contains("Connected to database shop", "ROLLBACK PREPARED 'tx1';");
        assertThat(VacuumHorizonRule.evaluate(List.of(holder("session", "1", 10, 3600.0)), h, "i").firing()).as("exactly at the level").isFalse();
        assertThat(VacuumHorizonRule.evaluate(List.of(holder("slot", "s", 10_000_000, null)), h, "i").firing())
                .as("a holder nobody can date yet").isFalse();
        assertThat(VacuumHorizonRule.evaluate(List.of(), h, "i").firing()).isFalse();
        assertThat(VacuumHorizonRule.evaluate(List.of(holder("session", "1", 10, 22_000.0)), h, "i").severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void mostCheckpointsRequestedAdvisesAMaxWalSizeThatHoldsATimeoutsWal() {
        Threshold c = t.get(Rule.CHECKPOINTS_REQUESTED);
        Decision d = CheckpointsRule.evaluate(2, 10, "in the last hour", c, "instance p");
        assertThat(d.severity()).isEqualTo(Severity.WARNING);
        assertThat(d.message()).contains("10 of 12 in the last hour");
        assertThat(CheckpointsRule.evaluate(1, 1, "in the last hour", c, "i").evidence()).as("two checkpoints are not evidence").isFalse();
        assertThat(CheckpointsRule.evaluate(5, 5, "in the last hour", c, "i").firing()).as("exactly half").isFalse();
        assertThat(CheckpointsRule.evaluate(12, 0, "in the last hour", c, "i").firing()).isFalse();
        // 1 GiB now; 10 MiB/s over a 300 s timeout is 3000 MiB, twice that for headroom: 8 GiB
        assertThat(CheckpointsRule.suggestedMaxWalSizeMib(1024 * MIB, 10.0 * MIB, 300)).isEqualTo(8192);
        assertThat(CheckpointsRule.suggestedMaxWalSizeMib(1024 * MIB, 0, 300)).as("at least twice the current").isEqualTo(2048);
        Finding f = CheckpointsRule.finding("p", d, 1024 * MIB, 10.0 * MIB, 300).orElseThrow();
        assertThat(f.kind()).isEqualTo(FindingKind.CHECKPOINTS_REQUESTED);
        assertThat(f.statements()).containsExactly("ALTER SYSTEM SET max_wal_size = '8GB';", "SELECT pg_reload_conf();");
        assertThat(CheckpointsRule.setting(1536)).isEqualTo("1536MB");
        assertThat(CheckpointsRule.finding("p", CheckpointsRule.evaluate(12, 0, "since the statistics were reset", c, "i"), MIB, 0, 300)).isEmpty();
    }
}

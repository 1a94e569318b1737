package dev.pgvigil.analyzer;

import static dev.pgvigil.analyzer.AnalyzerDriver.T0;
import static dev.pgvigil.analyzer.Stats.databases;
import static dev.pgvigil.analyzer.Stats.db;
import static dev.pgvigil.analyzer.Stats.ref;
import static dev.pgvigil.analyzer.Stats.whole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pgvigil.analyzer.state.ReplicationState;
import dev.pgvigil.schema.ArchiverInfo;
import dev.pgvigil.schema.CheckpointInfo;
import dev.pgvigil.schema.Finding;
import dev.pgvigil.schema.HorizonHolder;
import dev.pgvigil.schema.ReplicationSnapshot;
import dev.pgvigil.schema.Severity;
import dev.pgvigil.schema.SlotInfo;
import dev.pgvigil.schema.StandbyInfo;
import dev.pgvigil.schema.Violation;
import dev.pgvigil.schema.ViolationState;
import dev.pgvigil.schema.WalReceiverInfo;
import dev.pgvigil.web.DashboardData;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The replication rules wired in the topology, fed replication snapshots as the collector publishes them
 * every 10 s: each rule fires after its {@code for} duration and resolves exactly once, time lag is not
 * judged while no WAL is written, holders the server cannot date are dated by the analyzer, and the
 * checkpoints finding looks at the last hour. One driver; each test has its own instance id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicationTopologyTest {
    private static final long MIB = 1024L * 1024;
    private AnalyzerDriver a;

    @BeforeAll
    void start() throws Exception {
        a = new AnalyzerDriver("""
                rules:
                  thresholds:
                    standby_disconnected: { forIntervals: 1 }
                  instances:
                    slot-strict:
                      replication_slot_retention: { warning: 104857600, critical: 1073741824 }
                diskSizeBytes: { slots-disk: 10737418240, no-slot-disk: 10737418240 }
                """);
    }

    @AfterAll
    void stop() throws Exception {
        a.close();
    }

    private static Instant t(int seconds) {
        return T0.plusSeconds(seconds);
    }

    /** A primary's snapshot at {@code at} s, WAL at {@code lsn}, archiving fine, changed by {@code edit}. */
    private void primary(String instance, int at, long lsn, UnaryOperator<ReplicationSnapshot.Builder> edit) {
        ReplicationSnapshot.Builder b = ReplicationSnapshot.newBuilder().setRef(ref(instance, "s" + at, t(at))).setChunk(whole())
                .setInRecovery(false).setSystemIdentifier(42L).setCurrentLsn(lsn).setMaxWalSizeBytes(1024 * MIB).setCheckpointTimeoutSeconds(300)
                .setArchiver(archiver(0, null, 10, t(0)))
                .setCheckpoints(new CheckpointInfo(0L, 0L, 0.0, 0.0, 0L, null));
        a.send(edit.apply(b).build());
    }

    private static ArchiverInfo archiver(long failed, Instant lastFailed, long archived, Instant lastArchived) {
        return ArchiverInfo.newBuilder().setArchiveMode("on").setFailedCount(failed).setLastFailedAt(lastFailed).setLastFailedWal(
                lastFailed == null ? null : "00000001000000000000000A").setArchivedCount(archived).setLastArchivedAt(lastArchived).build();
    }

    private static StandbyInfo standby(String name, long replayLsn, Double replayLagSeconds) {
        return StandbyInfo.newBuilder().setName(name).setPid(100).setApplicationName(name).setState("streaming").setSyncState("async")
                .setSlotName(name).setReplayLsn(replayLsn).setReplayLagSeconds(replayLagSeconds).build();
    }

    private List<Violation> of(List<Violation> vs, String rule) {
        return vs.stream().filter(v -> v.getRule().equals(rule)).toList();
    }

    @Test
    void replayLagInSecondsIsJudgedOnlyWhileWalIsWrittenAndResolvesOnce() {
        String i = "lag";
        long lsn = 1000 * MIB;
        // 100 s of replay lag, but an idle primary: the lag is not evidence
        for (int at = 0; at <= 40; at += 10) {
            long l = lsn;
            primary(i, at, l, b -> b.setStandbys(List.of(standby("s1", l, 100.0))));
        }
        assertThat(of(a.violations(), "replication_lag")).isEmpty();
        // writes start: 2 intervals (its for) later it fires, warning, named by standby
        for (int at = 50; at <= 70; at += 10) {
            lsn += MIB;
            long l = lsn;
            primary(i, at, l, b -> b.setStandbys(List.of(standby("s1", l - MIB, 100.0))));
        }
        List<Violation> fired = of(a.violations(), "replication_lag");
        assertThat(fired).singleElement().satisfies(v -> {
            assertThat(v.getState()).isEqualTo(ViolationState.FIRING);
            assertThat(v.getSeverity()).isEqualTo(Severity.WARNING);
            assertThat(v.getObject()).isEqualTo("standby s1");
            assertThat(v.getLabels()).containsEntry("standby", "s1");
            assertThat(v.getMessage()).contains("replay lag 1 min 40 s", "1.0 MiB of WAL not replayed");
        });
        // caught up
        for (int at = 80; at <= 100; at += 10) {
            lsn += MIB;
            long l = lsn;
            primary(i, at, l, b -> b.setStandbys(List.of(standby("s1", l, 0.1))));
        }
        assertThat(of(a.violations(), "replication_lag")).singleElement().satisfies(v -> assertThat(v.getState()).isEqualTo(ViolationState.RESOLVED));
        assertThat(a.points().stream().filter(p -> p.instance().equals(i) && p.name().equals("wal.bytes_per_s")).toList())
                .last().satisfies(p -> assertThat(p.value()).isEqualTo(MIB / 10.0));
        assertThat(AnalyzerDriver.rollupSeries(a.rollups1m)).as("rolled up by default")
                .anySatisfy(r -> assertThat(r.getInstanceId() + " " + r.getName()).isEqualTo(i + " wal.bytes_per_s"))
                .anySatisfy(r -> assertThat(r.getInstanceId() + " " + r.getName() + " " + r.getLabels()).isEqualTo(i + " replication.replay_lag_s {standby=s1}"));
    }

    @Test
    void aStandbyGoneIsMissedUntilItComesBackAndItsLagIsByteLagAlways() {
        String i = "gone";
        long lsn = 1000 * MIB;
        primary(i, 0, lsn, b -> b.setStandbys(List.of(standby("s1", 1000 * MIB, null))));
        primary(i, 10, lsn, b -> b);
        List<Violation> vs = a.violations();
        assertThat(of(vs, "standby_disconnected")).singleElement().satisfies(v -> {
            assertThat(v.getState()).isEqualTo(ViolationState.FIRING);
            assertThat(v.getSeverity()).isEqualTo(Severity.CRITICAL);
            assertThat(v.getObject()).isEqualTo("standby s1");
            assertThat(v.getMessage()).contains("gone from pg_stat_replication, last seen 10 s ago");
        });
        primary(i, 20, lsn, b -> b);
        assertThat(a.violations()).as("still gone: no repeat").isEmpty();
        // back, but 600 MiB behind on an idle primary: no time lag, byte lag counts (warning above 256 MiB, for 2)
        primary(i, 30, lsn, b -> b.setStandbys(List.of(standby("s1", 400 * MIB, 500.0))));
        primary(i, 40, lsn, b -> b.setStandbys(List.of(standby("s1", 400 * MIB, 500.0))));
        vs = a.violations();
        assertThat(of(vs, "standby_disconnected")).singleElement().satisfies(v -> assertThat(v.getState()).isEqualTo(ViolationState.RESOLVED));
        assertThat(of(vs, "replication_lag")).singleElement().satisfies(v -> {
            assertThat(v.getSeverity()).isEqualTo(Severity.WARNING);
            assertThat(v.getValue()).isEqualTo(600.0 * MIB);
            assertThat(v.getMessage()).contains("not judged (no WAL written)", "600 MiB of WAL not replayed");
        });
        // gone for over an hour: forgotten, and the condition resolves
        primary(i, 50, lsn, b -> b);
        assertThat(of(a.violations(), "replication_lag")).singleElement().satisfies(v -> assertThat(v.getState()).isEqualTo(ViolationState.RESOLVED));
        primary(i, 50 + 3601, lsn, b -> b);
        assertThat(of(a.violations(), "standby_disconnected")).singleElement().satisfies(v -> {
            assertThat(v.getState()).isEqualTo(ViolationState.RESOLVED);
            assertThat(v.getMessage()).contains("forgotten");
        });
        primary(i, 60 + 3601, lsn, b -> b);
        assertThat(a.violations()).isEmpty();
    }

    @Test
    void anInactiveSlotRetainingWalFiresAndResolvesWhenDropped() {
        String i = "slots";
        SlotInfo.Builder slot = SlotInfo.newBuilder().setSlotName("old").setSlotType("physical").setActive(false).setWalStatus("extended")
                .setRetainedBytes(2048 * MIB);
        primary(i, 0, MIB, b -> b.setSlots(List.of(slot.build())));
        assertThat(of(a.violations(), "replication_slot_retention")).singleElement().satisfies(v -> {
            assertThat(v.getObject()).isEqualTo("slot old");
            assertThat(v.getSeverity()).isEqualTo(Severity.WARNING);
        });
        primary(i, 10, MIB, b -> b.setSlots(List.of(slot.setWalStatus("lost").build())));
        assertThat(of(a.violations(), "replication_slot_retention")).singleElement()
                .satisfies(v -> assertThat(v.getSeverity()).isEqualTo(Severity.CRITICAL));
        primary(i, 20, MIB, b -> b);
        assertThat(of(a.violations(), "replication_slot_retention")).singleElement().satisfies(v -> {
            assertThat(v.getState()).isEqualTo(ViolationState.RESOLVED);
            assertThat(v.getMessage()).contains("dropped");
        });
        assertThat(a.points().stream().filter(p -> p.instance().equals(i) && p.name().equals("wal.retained_by_slots_bytes")).toList())
                .first().satisfies(p -> assertThat(p.value()).isEqualTo(2048.0 * MIB));
    }

    @Test
    void theDashboardsSlotVerdictUsesTheInstancesOwnThresholds() {
        SlotInfo inactive = SlotInfo.newBuilder().setSlotName("old").setSlotType("physical").setActive(false).setWalStatus("extended")
                .setRetainedBytes(2048 * MIB).build();
        SlotInfo active = SlotInfo.newBuilder().setSlotName("live").setSlotType("physical").setActive(true).setWalStatus("reserved")
                .setRetainedBytes(2048 * MIB).build();
        for (String i : List.of("slot-strict", "slot-default")) {
            primary(i, 0, MIB, b -> b.setSlots(List.of(inactive, active)));
        }
        assertThat(latestSlots("slot-strict")).extracting(DashboardData.Slot::severity)
                .as("critical above this instance's 1 GiB").containsExactly(dev.pgvigil.rules.Severity.CRITICAL, null);
        assertThat(latestSlots("slot-default")).extracting(DashboardData.Slot::severity)
                .as("a warning under the 10 GiB default").containsExactly(dev.pgvigil.rules.Severity.WARNING, null);
        a.violations();
        a.points();
    }

    private List<DashboardData.Slot> latestSlots(String instance) {
        KeyValueStore<String, ReplicationState> store = a.driver.getKeyValueStore(TopologyNames.REPLICATION_STORE);
        return store.get(instance).latest.slots();
    }

    @Test
    void theDiskProjectionCountsTheWalAnInactiveSlotHoldsBack() {
        SlotInfo.Builder slot = SlotInfo.newBuilder().setSlotName("gone").setSlotType("physical").setActive(false).setWalStatus("extended");
        for (String i : List.of("slots-disk", "no-slot-disk")) {
            boolean slots = i.equals("slots-disk");
            for (int at : new int[] {0, 10}) {
                long lsn = at * MIB; // 1 MiB of WAL a second
                primary(i, at, lsn, b -> b.setSlots(slots ? List.of(slot.setRetainedBytes(1024 * MIB + lsn).build()) : List.of()));
                a.send(databases(ref(i, "s" + at, t(at)), whole(), db("shop", 5).setSizeBytes(1024 * MIB).build()));
            }
        }
        // 10 GiB disk, 1 GiB of tables that do not grow, 1 GiB + 10 MiB of WAL held and growing 1 MiB/s
        List<AnalyzerDriver.Point> points = a.points();
        assertThat(points.stream().filter(p -> p.instance().equals("slots-disk") && p.name().equals("instance.days_until_disk_full")).toList())
                .last().satisfies(p -> assertThat(p.value()).isCloseTo((10240.0 - 1024 - 1034) / 86_400, within(1e-9)));
        assertThat(points.stream().filter(p -> p.instance().equals("slots-disk") && p.name().equals("instance.disk_used_ratio")).toList())
                .last().satisfies(p -> assertThat(p.value()).isCloseTo((1024.0 + 1034) / 10240, within(1e-9)));
        assertThat(points).as("without a slot the same WAL rate fills nothing")
                .noneMatch(p -> p.instance().equals("no-slot-disk") && p.name().equals("instance.days_until_disk_full"));
    }

    @Test
    void theArchiverFailsUntilASuccessIsNewerThanTheLastFailure() {
        String i = "archive";
        primary(i, 0, MIB, b -> b.setArchiver(archiver(0, null, 10, t(0))));
        primary(i, 10, MIB, b -> b.setArchiver(archiver(3, t(9), 10, t(0))));
        assertThat(of(a.violations(), "archiver_failing")).singleElement().satisfies(v -> {
            assertThat(v.getState()).isEqualTo(ViolationState.FIRING);
            assertThat(v.getSeverity()).isEqualTo(Severity.CRITICAL);
            assertThat(v.getMessage()).contains("3 failed attempts", "00000001000000000000000A");
        });
        // the archiver waits a minute between rounds: no new failure, not archived either
        primary(i, 20, MIB, b -> b.setArchiver(archiver(3, t(9), 10, t(0))));
        primary(i, 30, MIB, b -> b.setArchiver(archiver(3, t(9), 10, t(0))));
        assertThat(a.violations()).isEmpty();
        primary(i, 40, MIB, b -> b.setArchiver(archiver(3, t(9), 12, t(35))));
        assertThat(of(a.violations(), "archiver_failing")).singleElement().satisfies(v -> assertThat(v.getState()).isEqualTo(ViolationState.RESOLVED));
        primary(i, 50, MIB, b -> b.setArchiver(archiver(3, t(9), 12, t(35))));
        assertThat(a.violations()).isEmpty();
    }

    @Test
    void aSlotHoldingTheHorizonIsDatedFromWhenItsXminWasFirstSeen() {
        String i = "horizon";
        HorizonHolder.Builder holder = HorizonHolder.newBuilder().setKind("slot").setName("feedback").setXmin(700).setXminAge(5000)
                .setState("xmin");
        primary(i, 0, MIB, b -> b.setHorizonHolders(List.of(holder.build())));
        primary(i, 3600, MIB, b -> b.setHorizonHolders(List.of(holder.build())));
        assertThat(of(a.violations(), "vacuum_horizon_held")).as("exactly an hour").isEmpty();
        primary(i, 3610, MIB, b -> b.setHorizonHolders(List.of(holder.build())));
        assertThat(of(a.violations(), "vacuum_horizon_held")).singleElement().satisfies(v -> {
            assertThat(v.getSeverity()).isEqualTo(Severity.WARNING);
            assertThat(v.getObject()).isEqualTo(i);
            assertThat(v.getMessage()).contains("by replication slot feedback", "xmin age 5,000");
        });
        assertThat(a.findings.readValuesToList()).filteredOn(f -> f.getInstance().equals(i)).singleElement()
                .satisfies(f -> assertThat(f.getStatements()).containsExactly("SELECT pg_drop_replication_slot('feedback');"));
        // the slot's xmin moves on: held for no time at all
        primary(i, 3620, MIB, b -> b.setHorizonHolders(List.of(holder.setXmin(900).build())));
        assertThat(of(a.violations(), "vacuum_horizon_held")).singleElement().satisfies(v -> assertThat(v.getState()).isEqualTo(ViolationState.RESOLVED));
    }

    @Test
    void mostCheckpointsOfTheLastHourRequestedAdvisesMaxWalSize() {
        String i = "checkpoints";
        long lsn = 0;
        // 10 MiB/s of WAL, a requested checkpoint every 2 minutes
        for (int at = 0; at <= 600; at += 10) {
            long requested = at / 120;
            long l = lsn;
            primary(i, at, l, b -> b.setCheckpoints(new CheckpointInfo(0L, requested, 0.0, 0.0, 0L, null)));
            lsn += 100 * MIB;
        }
        List<Finding> findings = a.findings.readRecordsToList().stream().map(TestRecord::value)
                .filter(f -> f.getInstance().equals(i)).toList();
        assertThat(findings).as("published once, when it first holds (3 checkpoints)").singleElement().satisfies(f -> {
            assertThat(f.getKind()).isEqualTo("checkpoints_requested");
            assertThat(f.getDetail()).contains("3 of 3 in the last hour");
            assertThat(f.getStatements()).containsExactly("ALTER SYSTEM SET max_wal_size = '8GB';", "SELECT pg_reload_conf();");
        });
    }

    @Test
    void aStandbyWhoseReceiverStopsIsDisconnectedAndItsOwnReplayDelayCountsOnlyWithWalPending() {
        String i = "standby";
        WalReceiverInfo streaming = WalReceiverInfo.newBuilder().setStatus("streaming").setSenderHost("db1").setSenderPort(5432).build();
        a.send(standby(i, 0, 500 * MIB, 500 * MIB, t(-4000), streaming));
        a.send(standby(i, 10, 500 * MIB, 500 * MIB, t(-4000), streaming));
        assertThat(of(a.violations(), "replication_lag")).as("caught up: an old last commit is not lag").isEmpty();
        a.send(standby(i, 20, 500 * MIB, 500 * MIB, t(-4000), null));
        assertThat(of(a.violations(), "standby_disconnected")).singleElement().satisfies(v -> {
            assertThat(v.getObject()).isEqualTo(i);
            assertThat(v.getMessage()).contains("WAL receiver not running", "not streaming for 10 s");
        });
        // paused replay with WAL waiting: the last replayed commit's age is the lag
        a.send(standby(i, 30, 510 * MIB, 500 * MIB, t(-10), streaming));
        a.send(standby(i, 40, 520 * MIB, 500 * MIB, t(-10), streaming));
        List<Violation> vs = a.violations();
        assertThat(of(vs, "standby_disconnected")).singleElement().satisfies(v -> assertThat(v.getState()).isEqualTo(ViolationState.RESOLVED));
        assertThat(of(vs, "replication_lag")).singleElement().satisfies(v -> {
            assertThat(v.getObject()).isEqualTo(i);
            assertThat(v.getValue()).isEqualTo(50.0);
        });
    }

    private static ReplicationSnapshot standby(String instance, int at, long received, long replayed, Instant lastReplay, WalReceiverInfo receiver) {
        return ReplicationSnapshot.newBuilder().setRef(ref(instance, "s" + at, t(at))).setChunk(whole()).setInRecovery(true)
                .setReceiveLsn(received).setReplayLsn(replayed).setLastReplayAt(lastReplay).setReplayPaused(false).setStreamingConfigured(true)
                .setWalReceiver(receiver).build();
    }
}

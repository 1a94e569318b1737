package dev.pgvigil.analyzer;

import static dev.pgvigil.analyzer.AnalyzerDriver.T0;
import static dev.pgvigil.analyzer.Stats.activity;
import static dev.pgvigil.analyzer.Stats.chunk;
import static dev.pgvigil.analyzer.Stats.databases;
import static dev.pgvigil.analyzer.Stats.db;
import static dev.pgvigil.analyzer.Stats.envelope;
import static dev.pgvigil.analyzer.Stats.ref;
import static dev.pgvigil.analyzer.Stats.session;
import static dev.pgvigil.analyzer.Stats.statements;
import static dev.pgvigil.analyzer.Stats.table;
import static dev.pgvigil.analyzer.Stats.tables;
import static dev.pgvigil.analyzer.Stats.uniform;
import static dev.pgvigil.analyzer.Stats.whole;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.rules.Fingerprint;
import dev.pgvigil.schema.Severity;
import dev.pgvigil.schema.SnapshotStatus;
import dev.pgvigil.schema.Violation;
import dev.pgvigil.schema.ViolationState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Rules wired in the topology: evidence guards, the {@code for} duration, severity changes, resolving
 * exactly once, and instance down on the wall clock. One driver for the class; each test has its own
 * instance id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ViolationsTopologyTest {
    private AnalyzerDriver a;

    @BeforeAll
    void start() throws Exception {
        a = new AnalyzerDriver("""
                rules:
                  thresholds:
                    cache_hit_ratio: { forIntervals: 2 }
                    statement_mean_time: { forIntervals: 1, minEvidence: 5 }
                  instances:
                    strict:
                      cache_hit_ratio: { warning: 0.99, forIntervals: 1 }
                """);
    }

    @AfterAll
    void stop() throws Exception {
        a.close();
    }

    private static Instant t(int seconds) {
        return T0.plusSeconds(seconds);
    }

    /** A database snapshot where the interval since the last one had {@code hit} and {@code read} blocks. */
    private long hits, reads;

    private void cache(String instance, int at, long hit, long read) {
        hits += hit;
        reads += read;
        a.send(databases(ref(instance, "s" + at, t(at)), whole(), db("shop", 5).setBlksHit(hits).setBlksRead(reads).build()));
    }

    @Test
    void cacheHitNeedsEvidenceHoldsForItsDurationResolvesOnce() {
        String i = "cache";
        cache(i, 0, 0, 0);
        cache(i, 10, 1, 9);          // 10 % over 10 reads: no evidence
        cache(i, 20, 1, 9);
        assertThat(a.violations()).isEmpty();
        cache(i, 30, 3_000, 7_000);  // 30 %: critical, 1st interval
        assertThat(a.violations()).as("for: 2 intervals").isEmpty();
        cache(i, 40, 3_000, 7_000);  // 2nd interval: fires
        List<Violation> fired = a.violations();
        assertThat(fired).singleElement().satisfies(v -> {
            assertThat(v.getRule()).isEqualTo("cache_hit_ratio");
            assertThat(v.getState()).isEqualTo(ViolationState.FIRING);
            assertThat(v.getSeverity()).isEqualTo(Severity.CRITICAL);
            assertThat(v.getObject()).isEqualTo("shop");
            assertThat(v.getValue()).isEqualTo(0.3);
            assertThat(v.getThreshold()).isEqualTo(0.5);
            assertThat(v.getStartsAt()).isEqualTo(t(30));
            assertThat(v.getObservedAt()).isEqualTo(t(40));
            assertThat(v.getFingerprint()).isEqualTo(Fingerprint.of("cache_hit_ratio", i, "shop"));
            assertThat(v.getMessage()).contains("database shop", "30.0 %");
        });
        cache(i, 50, 3_000, 7_000);
        assertThat(a.violations()).as("no repeat while unchanged").isEmpty();
        cache(i, 60, 7_000, 3_000);  // 70 %: warning now
        assertThat(a.violations()).singleElement().satisfies(v -> {
            assertThat(v.getState()).isEqualTo(ViolationState.FIRING);
            assertThat(v.getSeverity()).isEqualTo(Severity.WARNING);
            assertThat(v.getFingerprint()).isEqualTo(fired.get(0).getFingerprint());
        });
        cache(i, 70, 9_900, 100);    // healthy
        assertThat(a.violations()).singleElement().satisfies(v -> {
            assertThat(v.getState()).isEqualTo(ViolationState.RESOLVED);
            assertThat(v.getStartsAt()).isEqualTo(t(30));
        });
        cache(i, 80, 9_900, 100);
        assertThat(a.violations()).as("resolved exactly once").isEmpty();
    }

    @Test
    void perInstanceOverrideApplies() {
        cache("strict", 0, 0, 0);
        cache("strict", 10, 9_700, 300); // 97 %: fine by default, a warning for this instance
        assertThat(a.violations()).singleElement().satisfies(v -> assertThat(v.getSeverity()).isEqualTo(Severity.WARNING));
    }

    @Test
    void slowStatementFiresAndResolvesWhenItStopsBeingCalled() {
        String i = "stmts";
        a.send(statements(ref(i, "s0", t(0)), whole(), uniform(7, 100, 2), uniform(8, 100, 2)));
        a.send(statements(ref(i, "s1", t(10)), whole(), uniform(7, 110, 2), Stats.statement(8, 110, 200 + 10 * 900, 0, 0, 900)));
        List<Violation> v = a.violations();
        assertThat(v).singleElement().satisfies(x -> {
            assertThat(x.getRule()).isEqualTo("statement_mean_time");
            assertThat(x.getSeverity()).isEqualTo(Severity.CRITICAL);
            assertThat(x.getValue()).isEqualTo(900.0);
            assertThat(x.getLabels()).containsEntry("queryid", "8");
        });
        // a partial snapshot without queryid 8: not called, so no longer slow
        a.send(statements(ref(i, "s2", t(20)), chunk(0, 1, false), uniform(7, 120, 2)));
        assertThat(a.violations()).singleElement().satisfies(x -> {
            assertThat(x.getState()).isEqualTo(ViolationState.RESOLVED);
            assertThat(x.getFingerprint()).isEqualTo(v.get(0).getFingerprint());
        });
    }

    @Test
    void tooFewCallsDoNotFire() {
        String i = "few";
        a.send(statements(ref(i, "s0", t(0)), whole(), uniform(9, 10, 2)));
        a.send(statements(ref(i, "s1", t(10)), whole(), Stats.statement(9, 14, 20 + 4 * 5000, 0, 0, 5000)));
        assertThat(a.violations()).isEmpty();
    }

    @Test
    void deadRowsFireAndResolveAfterVacuum() {
        String i = "bloat";
        a.send(tables(ref(i, "s0", t(0)), whole(), table(1, "orders").setNLiveTup(60_000).setNDeadTup(40_000).build(),
                table(2, "tiny").setNLiveTup(10).setNDeadTup(500).build()));
        assertThat(a.violations()).singleElement().satisfies(v -> {
            assertThat(v.getRule()).isEqualTo("dead_rows");
            assertThat(v.getObject()).isEqualTo("public.orders");
            assertThat(v.getSeverity()).isEqualTo(Severity.CRITICAL);
        });
        a.send(tables(ref(i, "s1", t(10)), whole(), table(1, "orders").setNLiveTup(60_000).setNDeadTup(0).build(),
                table(2, "tiny").setNLiveTup(10).setNDeadTup(500).build()));
        assertThat(a.violations()).singleElement().satisfies(v -> assertThat(v.getState()).isEqualTo(ViolationState.RESOLVED));
    }

    @Test
    void droppedTableResolvesItsViolation() {
        String i = "dropped";
        a.send(tables(ref(i, "s0", t(0)), whole(), table(1, "orders").setNLiveTup(60_000).setNDeadTup(40_000).build()));
        assertThat(a.violations()).hasSize(1);
        a.send(tables(ref(i, "s1", t(10)), chunk(0, 1, false), table(5, "other").build()));
        assertThat(a.violations()).as("absent from a partial snapshot: unchanged").isEmpty();
        a.send(tables(ref(i, "s2", t(20)), whole(), table(5, "other").build()));
        assertThat(a.violations()).singleElement().satisfies(v -> {
            assertThat(v.getState()).isEqualTo(ViolationState.RESOLVED);
            assertThat(v.getObject()).isEqualTo("public.orders");
        });
    }

    @Test
    void sessionRules() {
        String i = "sessions";
        a.send(activity(ref(i, "s0", t(0)), 90).setOldestIdleInTransactionSeconds(400.0).setIdleInTransactionCount(1)
                .setOldestQueryAgeSeconds(2000.0).setWaitingOnLocksCount(1)
                .setSessions(List.of(session(11, "idle in transaction", 400, List.of()), session(12, "active", 2000, List.of()),
                        session(13, "active", 45, List.of(11)))).build());
        List<Violation> v = a.violations();
        assertThat(v).extracting(Violation::getRule, Violation::getSeverity).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("idle_in_transaction", Severity.WARNING),
                org.assertj.core.groups.Tuple.tuple("long_running_query", Severity.CRITICAL),
                org.assertj.core.groups.Tuple.tuple("blocked_sessions", Severity.WARNING));
        // 90 of 97 slots is a warning, but connections_used must hold for 2 intervals by default
    }

    @Test
    void connectionsNeedTwoIntervalsThenResolve() {
        String i = "conns";
        a.send(activity(ref(i, "s0", t(0)), 96).build());
        assertThat(a.violations()).isEmpty();
        a.send(activity(ref(i, "s1", t(10)), 96).build()); // 96 of 97 usable
        assertThat(a.violations()).singleElement().satisfies(v -> {
            assertThat(v.getRule()).isEqualTo("connections_used");
            assertThat(v.getSeverity()).isEqualTo(Severity.CRITICAL);
            assertThat(v.getMessage()).contains("96 of 97 usable slots");
        });
        a.send(activity(ref(i, "s2", t(20)), 10).build());
        assertThat(a.violations()).singleElement().satisfies(v -> assertThat(v.getState()).isEqualTo(ViolationState.RESOLVED));
    }

    @Test
    void xidWraparoundPerDatabase() {
        String i = "xid";
        a.send(databases(ref(i, "s0", t(0)), whole(), db("shop", 5).setFrozenXidAge(1_200_000_000L).build(), db("other", 6).build()));
        assertThat(a.violations()).singleElement().satisfies(v -> {
            assertThat(v.getRule()).isEqualTo("xid_wraparound");
            assertThat(v.getObject()).isEqualTo("shop");
            assertThat(v.getSeverity()).isEqualTo(Severity.WARNING);
        });
    }

    @Test
    void instanceDownOnTheWallClockAndBackOnTheNextSnapshot() {
        String i = "down";
        Instant now = T0; // the driver's wall clock starts at T0
        a.send(envelope(ref(i, "s0", now.minusSeconds(20)), SnapshotStatus.OK, null));
        a.send(envelope(ref(i, "s1", now.minusSeconds(10)), SnapshotStatus.OK, null));
        a.send(envelope(ref(i, "s2", now), SnapshotStatus.OK, null));
        assertThat(a.violations()).isEmpty();
        a.advanceWallClock(Duration.ofSeconds(25)); // 2.5 intervals: not yet
        assertThat(a.violations()).filteredOn(v -> v.getInstanceId().equals(i)).isEmpty();
        a.advanceWallClock(Duration.ofSeconds(10)); // 3.5 intervals of silence
        List<Violation> down = AnalyzerDriver.of(a.violations(), v -> v.getInstanceId().equals(i));
        assertThat(down).singleElement().satisfies(v -> {
            assertThat(v.getRule()).isEqualTo("instance_down");
            assertThat(v.getSeverity()).isEqualTo(Severity.WARNING);
            assertThat(v.getState()).isEqualTo(ViolationState.FIRING);
        });
        a.advanceWallClock(Duration.ofSeconds(80)); // 11.5 intervals: critical
        assertThat(AnalyzerDriver.of(a.violations(), v -> v.getInstanceId().equals(i)))
                .singleElement().satisfies(v -> assertThat(v.getSeverity()).isEqualTo(Severity.CRITICAL));
        // a failed cycle is not a sign of life
        a.send(envelope(ref(i, "s3", now.plusSeconds(116)), SnapshotStatus.FAILED, null));
        assertThat(AnalyzerDriver.of(a.violations(), v -> v.getInstanceId().equals(i))).isEmpty();
        a.send(envelope(ref(i, "s4", now.plusSeconds(120)), SnapshotStatus.OK, null));
        assertThat(AnalyzerDriver.of(a.violations(), v -> v.getInstanceId().equals(i))).singleElement().satisfies(v -> {
            assertThat(v.getState()).isEqualTo(ViolationState.RESOLVED);
            assertThat(v.getStartsAt()).isEqualTo(now.plusSeconds(35));
        });
    }

    /**
     * Found by the fault drill: a wall-clock instance_down, then the instance's late envelope (collected before that
     * judgement, read after it: the analyzer or the topic was behind) resolves it. The resolution must not look older
     * than the firing by observedAt, or the alerter drops it as stale and the alert stays firing.
     */
    @Test
    void aLateEnvelopeResolvesWithAnObservedAtNoOlderThanTheFiring() throws Exception {
        try (AnalyzerDriver own = new AnalyzerDriver("rules: {}")) {
            String i = "late";
            own.send(envelope(ref(i, "s0", T0.minusSeconds(20)), SnapshotStatus.OK, null));
            own.send(envelope(ref(i, "s1", T0.minusSeconds(10)), SnapshotStatus.OK, null));
            own.send(envelope(ref(i, "s2", T0), SnapshotStatus.OK, null));
            own.advanceWallClock(Duration.ofSeconds(35));
            Violation firing = own.violations.readValue();
            assertThat(firing.getState()).isEqualTo(ViolationState.FIRING);
            own.send(envelope(ref(i, "s3", T0.plusSeconds(5)), SnapshotStatus.OK, null));
            Violation resolved = own.violations.readValue();
            assertThat(resolved.getState()).isEqualTo(ViolationState.RESOLVED);
            assertThat(resolved.getObservedAt()).isAfterOrEqualTo(firing.getObservedAt());
        }
    }
}

package dev.pgvigil.advisor.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.advisor.report.HealthReport.StandbyRow;
import dev.pgvigil.catalogue.read.Snapshot;
import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.RuleThresholds;
import dev.pgvigil.schema.ChunkInfo;
import dev.pgvigil.schema.ReplicationSnapshot;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.StandbyInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The report's replication section on a primary while a pg_basebackup runs against it: the backup's
 * walsender (state backup, application pg_basebackup) is no standby, as the analyzer and the dashboard
 * hold ({@code ReplicationPositions.isBaseBackup}), so it is neither listed nor judged for lag.
 */
class ReplicationSectionTest {
    private static final long GIB = 1024L * 1024 * 1024;

    private static StandbyInfo.Builder walsender(String name, String application, String state, long replayLsn) {
        return StandbyInfo.newBuilder().setName(name).setPid(100).setApplicationName(application).setClientAddr("10.0.0.5")
                .setState(state).setSyncState("async").setReplayLsn(replayLsn);
    }

    @Test
    void aRunningBaseBackupIsNotAStandby() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        ReplicationSnapshot r = ReplicationSnapshot.newBuilder().setRef(new SnapshotRef("db1", "s1", now)).setChunk(new ChunkInfo(0, 1, true))
                .setInRecovery(false).setCurrentLsn(5 * GIB)
                .setStandbys(List.of(walsender("standby_a", "walreceiver", "streaming", 5 * GIB).build(),
                        // pg_basebackup's WAL stream reports no replay position: far behind on any reading
                        walsender("pg_basebackup@10.0.0.5", "pg_basebackup", "streaming", 0).build(),
                        walsender("backup@10.0.0.6", "backup-job", "backup", 0).build()))
                .build();
        Snapshot last = new Snapshot(r.getRef(), null, false, null, null, null, null, null, null, null, List.of(), Duration.ZERO, r);
        List<Finding> findings = new ArrayList<>();

        HealthReport.Replication section = ReplicationSection.build("db1", null, last, RuleThresholds.defaults(), findings);

        assertThat(section.standbys()).extracting(StandbyRow::name).containsExactly("standby_a");
        assertThat(findings).as("no lag judged for a backup").isEmpty();
    }
}

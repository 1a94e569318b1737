package dev.pgvigil.catalogue.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.embedded.PostgresMatrix;
import dev.pgvigil.schema.ArchiverInfo;
import dev.pgvigil.schema.CheckpointInfo;
import dev.pgvigil.schema.HorizonHolder;
import dev.pgvigil.schema.ReplicationSnapshot;
import dev.pgvigil.schema.SlotInfo;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.StandbyInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The replication reader on a real primary and its streaming standby, on every supported version, read as
 * a pg_monitor role (no superuser): each kind of reading is held to the view it comes from, and the
 * vacuum horizon names a session holding an old snapshot and a prepared transaction.
 */
class ReplicationReaderTest {
    private static final String MONITOR = "monitor";
    private static final String MONITOR_PASSWORD = "monitor-pw";
    private static final Map<Integer, LocalPostgres> STANDBYS = new HashMap<>();
    private static final PostgresMatrix PRIMARIES = new PostgresMatrix(
            new LocalPostgres.Options(List.of("archive_mode = on", "archive_command = 'true'", "max_prepared_transactions = 5")),
            pg -> pg.execute("postgres",
                    "CREATE ROLE " + MONITOR + " LOGIN PASSWORD '" + MONITOR_PASSWORD + "' IN ROLE pg_monitor",
                    "CREATE TABLE t (x int)",
                    "INSERT INTO t SELECT generate_series(1, 1000)"));

    @AfterAll
    static void stop() {
        STANDBYS.values().forEach(LocalPostgres::close);
        PRIMARIES.close();
    }

    private static LocalPostgres standby(int major) {
        return STANDBYS.computeIfAbsent(major, m -> PRIMARIES.cluster(m).startStandby("standby_a",
                new LocalPostgres.Options(List.of("hot_standby_feedback = on", "wal_receiver_status_interval = 1s"))));
    }

    private static ReplicationSnapshot read(LocalPostgres pg) throws SQLException {
        try (Connection c = pg.connect("postgres", MONITOR, MONITOR_PASSWORD)) {
            return ReplicationReader.read(c, new SnapshotRef("i", "s", Instant.now()), ServerInfoReader.read(c).versionNum());
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("dev.pgvigil.embedded.PostgresMatrix#majors")
    void aPrimaryReadsAsItsViewsSay(int major) throws Exception {
        LocalPostgres primary = PRIMARIES.cluster(major);
        LocalPostgres standby = standby(major);
        awaitStreaming(primary);
        try (Connection old = primary.connect("postgres"); Statement s = old.createStatement()) {
            s.execute("BEGIN ISOLATION LEVEL REPEATABLE READ");
            s.execute("SELECT count(*) FROM t");
            int holderPid = pid(old);
            primary.execute("postgres", "BEGIN; INSERT INTO t VALUES (0); PREPARE TRANSACTION 'pgvigil-test'");
            try {
                ReplicationSnapshot r = read(primary);

                assertThat(r.getInRecovery()).isFalse();
                assertThat(r.getSystemIdentifier()).isEqualTo(scalar(primary, "SELECT system_identifier FROM pg_control_system()"));
                assertThat(r.getCurrentLsn()).isPositive().isLessThanOrEqualTo(
                        (Long) scalar(primary, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"));
                assertThat(r.getReceiveLsn()).isNull();
                assertThat(r.getStreamingConfigured()).isFalse();
                assertThat(r.getMaxWalSizeBytes()).isEqualTo(scalar(primary, "SELECT pg_size_bytes(current_setting('max_wal_size'))"));
                assertThat(r.getPreparedTransactions()).isEqualTo(1);

                assertThat(r.getStandbys()).hasSize(1);
                StandbyInfo st = r.getStandbys().get(0);
                Map<String, Object> view = row(primary, "SELECT *, pg_wal_lsn_diff(sent_lsn, '0/0')::bigint AS sent FROM pg_stat_replication");
                assertThat(st.getName()).isEqualTo("standby_a");
                assertThat(st.getSlotName()).isEqualTo("standby_a");
                assertThat(Arrays.<Object>asList(st.getPid(), st.getApplicationName(), st.getState(), st.getSyncState()))
                        .isEqualTo(Arrays.asList(view.get("pid"), view.get("application_name"), view.get("state"), view.get("sync_state")));
                assertThat(st.getSentLsn()).isPositive().isLessThanOrEqualTo((Long) view.get("sent"));
                assertThat(st.getReplayLsn()).isNotNull();

                assertThat(r.getSlots()).hasSize(1);
                SlotInfo slot = r.getSlots().get(0);
                Map<String, Object> slotView = row(primary, "SELECT * FROM pg_replication_slots");
                assertThat(Arrays.<Object>asList(slot.getSlotName(), slot.getSlotType(), slot.getActive(), slot.getActivePid(), slot.getWalStatus(),
                        slot.getTemporary())).isEqualTo(Arrays.asList(slotView.get("slot_name"), slotView.get("slot_type"), slotView.get("active"),
                        slotView.get("active_pid"), slotView.get("wal_status"), slotView.get("temporary")));
                assertThat(slot.getRetainedBytes()).isNotNegative();
                assertThat(slot.getXmin()).as("hot_standby_feedback gives the slot an xmin").isNotNull();

                ArchiverInfo a = r.getArchiver();
                Map<String, Object> archiver = row(primary, "SELECT * FROM pg_stat_archiver");
                assertThat(a.getArchiveMode()).isEqualTo("on");
                assertThat(a.getFailedCount()).isEqualTo(archiver.get("failed_count"));
                assertThat(a.getArchivedCount()).isLessThanOrEqualTo((Long) archiver.get("archived_count"));

                assertThat(r.getWal() == null).as("pg_stat_wal from 14 on").isEqualTo(major < 14);
                CheckpointInfo cp = r.getCheckpoints();
                Map<String, Object> checkpoints = row(primary, major >= 17
                        ? "SELECT num_timed AS timed, num_requested AS requested, buffers_written AS buffers FROM pg_stat_checkpointer"
                        : "SELECT checkpoints_timed AS timed, checkpoints_req AS requested, buffers_checkpoint AS buffers FROM pg_stat_bgwriter");
                assertThat(Arrays.asList(cp.getTimed(), cp.getRequested(), cp.getBuffersWritten()))
                        .isEqualTo(Arrays.asList(checkpoints.get("timed"), checkpoints.get("requested"), checkpoints.get("buffers")));
                assertThat(cp.getRequested()).as("the base backup's checkpoint").isPositive();

                assertThat(r.getHorizonHolders()).anySatisfy(h -> {
                    assertThat(h.getKind()).isEqualTo("session");
                    assertThat(h.getName()).isEqualTo(String.valueOf(holderPid));
                    assertThat(h.getState()).isEqualTo("idle in transaction");
                    assertThat(h.getAgeSeconds()).isPositive();
                    assertThat(h.getUser()).isEqualTo("postgres");
                });
                assertThat(r.getHorizonHolders()).anySatisfy(h -> {
                    assertThat(h.getKind()).isEqualTo("prepared");
                    assertThat(h.getName()).isEqualTo("pgvigil-test");
                    assertThat(h.getAgeSeconds()).isNotNull();
                });
                assertThat(r.getHorizonHolders()).anySatisfy(h -> {
                    assertThat(h.getKind()).isEqualTo("slot");
                    assertThat(h.getName()).isEqualTo("standby_a");
                    assertThat(h.getAgeSeconds()).as("a slot does not say since when").isNull();
                });
                assertThat(r.getHorizonHolders()).extracting(HorizonHolder::getXminAge).isSortedAccordingTo((x, y) -> Long.compare(y, x));
            } finally {
                primary.execute("postgres", "ROLLBACK PREPARED 'pgvigil-test'");
                s.execute("ROLLBACK");
            }
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("dev.pgvigil.embedded.PostgresMatrix#majors")
    void aStandbyReadsItsReceiverAndReplay(int major) throws Exception {
        LocalPostgres primary = PRIMARIES.cluster(major);
        LocalPostgres standby = standby(major);
        awaitStreaming(primary);
        ReplicationSnapshot r = read(standby);
        assertThat(r.getInRecovery()).isTrue();
        assertThat(r.getSystemIdentifier()).as("one cluster").isEqualTo(read(primary).getSystemIdentifier());
        assertThat(r.getCurrentLsn()).isNull();
        assertThat(r.getReceiveLsn()).isPositive();
        assertThat(r.getReplayLsn()).isPositive().isLessThanOrEqualTo(r.getReceiveLsn());
        assertThat(r.getReplayPaused()).isFalse();
        assertThat(r.getStreamingConfigured()).isTrue();
        assertThat(r.getStandbys()).isEmpty();
        assertThat(r.getWalReceiver()).isNotNull().satisfies(w -> {
            assertThat(w.getStatus()).isEqualTo("streaming");
            assertThat(w.getSlotName()).isEqualTo("standby_a");
            assertThat(w.getSenderPort()).isEqualTo(primary.port());
            assertThat(w.getFlushedLsn()).isPositive();
        });
        Map<String, Object> receiver = row(standby, "SELECT status, slot_name, received_tli FROM pg_stat_wal_receiver");
        assertThat(Arrays.<Object>asList(r.getWalReceiver().getStatus(), r.getWalReceiver().getSlotName(), r.getWalReceiver().getReceivedTli()))
                .isEqualTo(Arrays.asList(receiver.get("status"), receiver.get("slot_name"), receiver.get("received_tli")));
    }

    private static void awaitStreaming(LocalPostgres primary) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Objects.equals(scalar(primary, "SELECT max(state) FROM pg_stat_replication"), "streaming")) {
            assertThat(System.nanoTime()).as("the standby streams within 30 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static int pid(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Object scalar(LocalPostgres pg, String sql) throws SQLException {
        try (Connection c = pg.connect("postgres"); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getObject(1);
        }
    }

    private static Map<String, Object> row(LocalPostgres pg, String sql) throws SQLException {
        try (Connection c = pg.connect("postgres"); ResultSet rs = c.createStatement().executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            Map<String, Object> row = new HashMap<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
            }
            return row;
        }
    }
}

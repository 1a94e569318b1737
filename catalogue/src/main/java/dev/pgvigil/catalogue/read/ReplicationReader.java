package dev.pgvigil.catalogue.read;

import dev.pgvigil.schema.ArchiverInfo;
import dev.pgvigil.schema.CheckpointInfo;
import dev.pgvigil.schema.ChunkInfo;
import dev.pgvigil.schema.HorizonHolder;
import dev.pgvigil.schema.ReplicationSnapshot;
import dev.pgvigil.schema.SlotInfo;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.StandbyInfo;
import dev.pgvigil.schema.WalInfo;
import dev.pgvigil.schema.WalReceiverInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The health a replicated fleet lives on, for a primary and a standby alike: the role and cluster
 * (system identifier, timeline, WAL positions), the standbys streaming from this instance, replication
 * slots and the WAL they retain, the archiver, WAL generated, checkpoints, the WAL receiver of a standby,
 * and what holds the vacuum horizon back. All of it readable with pg_monitor.
 *
 * <p>LSNs are read as byte positions ({@code pg_wal_lsn_diff(lsn, '0/0')}). What differs between
 * PostgreSQL versions is decided here and only here: {@link #walSql} (pg_stat_wal, 14+) and
 * {@link #checkpointsSql} (pg_stat_checkpointer, 17+, in place of pg_stat_bgwriter's columns).
 */
public final class ReplicationReader {
    /** At most this many standbys, slots and horizon holders of each kind go in one record. */
    static final int MAX_ROWS = 100;

    static final String STATE_SQL = """
            SELECT /* pgvigil */ pg_is_in_recovery() AS in_recovery,
                   (SELECT system_identifier FROM pg_control_system()) AS system_identifier,
                   (SELECT timeline_id FROM pg_control_checkpoint()) AS timeline_id,
                   CASE WHEN NOT pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint END AS current_lsn,
                   pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0')::bigint AS receive_lsn,
                   pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint AS replay_lsn,
                   pg_last_xact_replay_timestamp() AS last_replay_at,
                   CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END AS replay_paused,
                   current_setting('primary_conninfo') <> '' AS streaming_configured,
                   pg_size_bytes(current_setting('max_wal_size')) AS max_wal_size,
                   extract(epoch FROM current_setting('checkpoint_timeout')::interval)::int AS checkpoint_timeout,
                   (SELECT count(*) FROM pg_prepared_xacts)::int AS prepared""";

    static final String STANDBYS_SQL = """
            SELECT /* pgvigil */ r.pid, r.application_name, host(r.client_addr) AS client_addr, r.state, r.sync_state, s.slot_name,
                   pg_wal_lsn_diff(r.sent_lsn, '0/0')::bigint AS sent_lsn, pg_wal_lsn_diff(r.write_lsn, '0/0')::bigint AS write_lsn,
                   pg_wal_lsn_diff(r.flush_lsn, '0/0')::bigint AS flush_lsn, pg_wal_lsn_diff(r.replay_lsn, '0/0')::bigint AS replay_lsn,
                   extract(epoch FROM r.write_lag)::float8 AS write_lag, extract(epoch FROM r.flush_lag)::float8 AS flush_lag,
                   extract(epoch FROM r.replay_lag)::float8 AS replay_lag
            FROM pg_stat_replication r
            LEFT JOIN pg_replication_slots s ON s.active_pid = r.pid
            ORDER BY r.pid
            LIMIT %d""".formatted(MAX_ROWS);

    /** A slot on a standby retains WAL from its replay position, on a primary from the current one. */
    static final String SLOTS_SQL = """
            SELECT /* pgvigil */ s.slot_name, s.slot_type, s.database, s.plugin, s.temporary, s.active, s.active_pid, s.wal_status,
                   s.safe_wal_size, pg_wal_lsn_diff(s.restart_lsn, '0/0')::bigint AS restart_lsn,
                   pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END,
                                   s.restart_lsn)::bigint AS retained,
                   s.xmin::text::bigint AS xmin, age(s.xmin) AS xmin_age,
                   s.catalog_xmin::text::bigint AS catalog_xmin, age(s.catalog_xmin) AS catalog_xmin_age
            FROM pg_replication_slots s
            ORDER BY s.slot_name
            LIMIT %d""".formatted(MAX_ROWS);

    static final String WAL_RECEIVER_SQL = """
            SELECT /* pgvigil */ w.status, w.sender_host, w.sender_port, w.slot_name, w.received_tli,
                   pg_wal_lsn_diff(w.written_lsn, '0/0')::bigint AS written_lsn, pg_wal_lsn_diff(w.flushed_lsn, '0/0')::bigint AS flushed_lsn,
                   pg_wal_lsn_diff(w.latest_end_lsn, '0/0')::bigint AS latest_end_lsn, w.last_msg_receipt_time
            FROM pg_stat_wal_receiver w""";

    static final String ARCHIVER_SQL = """
            SELECT /* pgvigil */ current_setting('archive_mode') AS archive_mode, a.archived_count, a.last_archived_wal, a.last_archived_time,
                   a.failed_count, a.last_failed_wal, a.last_failed_time, a.stats_reset
            FROM pg_stat_archiver a""";

    /**
     * Sessions holding the horizon: a snapshot (backend_xmin) or a transaction id of their own (backend_xid:
     * a writing transaction idle in READ COMMITTED has no backend_xmin), whichever is older. A walsender
     * holds the xmin its standby reports with hot_standby_feedback. pgvigil's own reads are left out
     * ({@link OwnSession}): a pgvigil session holding the horizon for longer is a real holder.
     */
    static final String SESSIONS_SQL = """
            SELECT /* pgvigil */ a.pid, a.datname, a.usename, a.application_name,
                   CASE WHEN a.backend_type = 'walsender' THEN 'walsender' ELSE a.state END AS state,
                   h.x::text::bigint AS xmin, age(h.x) AS xmin_age,
                   extract(epoch FROM clock_timestamp() - a.xact_start)::float8 AS age_s
            FROM pg_stat_activity a
            CROSS JOIN LATERAL (SELECT v.x FROM (VALUES (a.backend_xid), (a.backend_xmin)) v(x)
                                WHERE v.x IS NOT NULL ORDER BY age(v.x) DESC LIMIT 1) h
            WHERE NOT %s
            ORDER BY age(h.x) DESC
            LIMIT 5""".formatted(OwnSession.sql("a"));

    static final String PREPARED_SQL = """
            SELECT /* pgvigil */ p.gid, p.transaction::text::bigint AS xmin, age(p.transaction) AS xmin_age,
                   extract(epoch FROM clock_timestamp() - p.prepared)::float8 AS age_s, p.database, p.owner
            FROM pg_prepared_xacts p
            ORDER BY age(p.transaction) DESC
            LIMIT 5""";

    private ReplicationReader() {}

    /** pg_stat_wal, PostgreSQL 14 and later; null before (the WAL rate then comes from LSN deltas alone). */
    static String walSql(int versionNum) {
        if (versionNum < 140000) {
            return null;
        }
        return """
                SELECT /* pgvigil */ w.wal_records, w.wal_fpi, w.wal_bytes::bigint AS wal_bytes, w.wal_buffers_full, w.stats_reset
                FROM pg_stat_wal w""";
    }

    /** Checkpoint counters: pg_stat_checkpointer from PostgreSQL 17 on, pg_stat_bgwriter's checkpoint columns before. */
    static String checkpointsSql(int versionNum) {
        if (versionNum >= 170000) {
            return """
                    SELECT /* pgvigil */ c.num_timed AS timed, c.num_requested AS requested, c.write_time, c.sync_time,
                           c.buffers_written, c.stats_reset
                    FROM pg_stat_checkpointer c""";
        }
        return """
                SELECT /* pgvigil */ b.checkpoints_timed AS timed, b.checkpoints_req AS requested, b.checkpoint_write_time AS write_time,
                       b.checkpoint_sync_time AS sync_time, b.buffers_checkpoint AS buffers_written, b.stats_reset
                FROM pg_stat_bgwriter b""";
    }

    /** Every query of one read, in order, for {@link CatalogueQueries}. */
    static List<String> queries(int versionNum) {
        List<String> sql = new ArrayList<>(List.of(STATE_SQL, STANDBYS_SQL, SLOTS_SQL, WAL_RECEIVER_SQL, ARCHIVER_SQL));
        if (walSql(versionNum) != null) {
            sql.add(walSql(versionNum));
        }
        sql.addAll(List.of(checkpointsSql(versionNum), SESSIONS_SQL, PREPARED_SQL));
        return sql;
    }

    public static ReplicationSnapshot read(Connection c, SnapshotRef ref, int versionNum) throws SQLException {
        ReplicationSnapshot.Builder b = ReplicationSnapshot.newBuilder().setRef(ref).setChunk(new ChunkInfo(0, 1, true));
        Rows.forEach(c, STATE_SQL, ps -> { }, rs -> b
                .setInRecovery(rs.getBoolean("in_recovery"))
                .setSystemIdentifier(Rows.longOrNull(rs, "system_identifier"))
                .setTimelineId(Rows.intOrNull(rs, "timeline_id"))
                .setCurrentLsn(Rows.longOrNull(rs, "current_lsn"))
                .setReceiveLsn(Rows.longOrNull(rs, "receive_lsn"))
                .setReplayLsn(Rows.longOrNull(rs, "replay_lsn"))
                .setLastReplayAt(Rows.instant(rs, "last_replay_at"))
                .setReplayPaused(Rows.booleanOrNull(rs, "replay_paused"))
                .setStreamingConfigured(rs.getBoolean("streaming_configured"))
                .setMaxWalSizeBytes(Rows.longOrNull(rs, "max_wal_size"))
                .setCheckpointTimeoutSeconds(Rows.intOrNull(rs, "checkpoint_timeout"))
                .setPreparedTransactions(rs.getInt("prepared")));
        b.setStandbys(Rows.list(c, STANDBYS_SQL, ReplicationReader::standby));
        List<SlotInfo> slots = Rows.list(c, SLOTS_SQL, ReplicationReader::slot);
        b.setSlots(slots);
        b.setWalReceiver(Rows.first(c, WAL_RECEIVER_SQL, ReplicationReader::walReceiver));
        b.setArchiver(Rows.first(c, ARCHIVER_SQL, ReplicationReader::archiver));
        String wal = walSql(versionNum);
        b.setWal(wal == null ? null : Rows.first(c, wal, ReplicationReader::wal));
        b.setCheckpoints(Rows.first(c, checkpointsSql(versionNum), ReplicationReader::checkpoints));
        List<HorizonHolder> holders = new ArrayList<>(Rows.list(c, SESSIONS_SQL, ReplicationReader::session));
        holders.addAll(Rows.list(c, PREPARED_SQL, ReplicationReader::prepared));
        slots.stream().map(ReplicationReader::slotHolder).filter(java.util.Objects::nonNull).forEach(holders::add);
        holders.sort(Comparator.comparingLong(HorizonHolder::getXminAge).reversed());
        b.setHorizonHolders(holders);
        return b.build();
    }

    /** A byte position as PostgreSQL writes an LSN, e.g. {@code 0/3000E08}; "-" for none. */
    public static String lsn(Long position) {
        return position == null ? "-" : String.format(java.util.Locale.ROOT, "%X/%X", position >>> 32, position & 0xFFFFFFFFL);
    }

    /** A standby is known by its slot over time (its pid and port change on every reconnect); without one, by name and address. */
    static String standbyName(String slotName, String applicationName, String clientAddr) {
        if (slotName != null) {
            return slotName;
        }
        return (applicationName == null || applicationName.isEmpty() ? "standby" : applicationName) + "@"
                + (clientAddr == null ? "local" : clientAddr);
    }

    private static StandbyInfo standby(ResultSet rs) throws SQLException {
        String slot = rs.getString("slot_name");
        String app = rs.getString("application_name");
        String addr = rs.getString("client_addr");
        return StandbyInfo.newBuilder()
                .setName(standbyName(slot, app, addr))
                .setPid(rs.getInt("pid"))
                .setApplicationName(app)
                .setClientAddr(addr)
                .setState(rs.getString("state"))
                .setSyncState(rs.getString("sync_state"))
                .setSlotName(slot)
                .setSentLsn(Rows.longOrNull(rs, "sent_lsn"))
                .setWriteLsn(Rows.longOrNull(rs, "write_lsn"))
                .setFlushLsn(Rows.longOrNull(rs, "flush_lsn"))
                .setReplayLsn(Rows.longOrNull(rs, "replay_lsn"))
                .setWriteLagSeconds(Rows.doubleOrNull(rs, "write_lag"))
                .setFlushLagSeconds(Rows.doubleOrNull(rs, "flush_lag"))
                .setReplayLagSeconds(Rows.doubleOrNull(rs, "replay_lag"))
                .build();
    }

    private static SlotInfo slot(ResultSet rs) throws SQLException {
        return SlotInfo.newBuilder()
                .setSlotName(rs.getString("slot_name"))
                .setSlotType(rs.getString("slot_type"))
                .setDatabase(rs.getString("database"))
                .setPlugin(rs.getString("plugin"))
                .setTemporary(rs.getBoolean("temporary"))
                .setActive(rs.getBoolean("active"))
                .setActivePid(Rows.intOrNull(rs, "active_pid"))
                .setWalStatus(rs.getString("wal_status"))
                .setSafeWalSizeBytes(Rows.longOrNull(rs, "safe_wal_size"))
                .setRestartLsn(Rows.longOrNull(rs, "restart_lsn"))
                .setRetainedBytes(Rows.longOrNull(rs, "retained"))
                .setXmin(Rows.longOrNull(rs, "xmin"))
                .setXminAge(Rows.longOrNull(rs, "xmin_age"))
                .setCatalogXmin(Rows.longOrNull(rs, "catalog_xmin"))
                .setCatalogXminAge(Rows.longOrNull(rs, "catalog_xmin_age"))
                .build();
    }

    private static WalReceiverInfo walReceiver(ResultSet rs) throws SQLException {
        return WalReceiverInfo.newBuilder()
                .setStatus(rs.getString("status"))
                .setSenderHost(rs.getString("sender_host"))
                .setSenderPort(Rows.intOrNull(rs, "sender_port"))
                .setSlotName(rs.getString("slot_name"))
                .setReceivedTli(Rows.intOrNull(rs, "received_tli"))
                .setWrittenLsn(Rows.longOrNull(rs, "written_lsn"))
                .setFlushedLsn(Rows.longOrNull(rs, "flushed_lsn"))
                .setLatestEndLsn(Rows.longOrNull(rs, "latest_end_lsn"))
                .setLastMessageAt(Rows.instant(rs, "last_msg_receipt_time"))
                .build();
    }

    private static ArchiverInfo archiver(ResultSet rs) throws SQLException {
        return ArchiverInfo.newBuilder()
                .setArchiveMode(rs.getString("archive_mode"))
                .setArchivedCount(rs.getLong("archived_count"))
                .setLastArchivedWal(rs.getString("last_archived_wal"))
                .setLastArchivedAt(Rows.instant(rs, "last_archived_time"))
                .setFailedCount(rs.getLong("failed_count"))
                .setLastFailedWal(rs.getString("last_failed_wal"))
                .setLastFailedAt(Rows.instant(rs, "last_failed_time"))
                .setStatsReset(Rows.instant(rs, "stats_reset"))
                .build();
    }

    private static WalInfo wal(ResultSet rs) throws SQLException {
        return WalInfo.newBuilder()
                .setRecords(rs.getLong("wal_records"))
                .setFullPageImages(rs.getLong("wal_fpi"))
                .setBytes(rs.getLong("wal_bytes"))
                .setBuffersFull(rs.getLong("wal_buffers_full"))
                .setStatsReset(Rows.instant(rs, "stats_reset"))
                .build();
    }

    private static CheckpointInfo checkpoints(ResultSet rs) throws SQLException {
        return CheckpointInfo.newBuilder()
                .setTimed(rs.getLong("timed"))
                .setRequested(rs.getLong("requested"))
                .setWriteTimeMs(rs.getDouble("write_time"))
                .setSyncTimeMs(rs.getDouble("sync_time"))
                .setBuffersWritten(rs.getLong("buffers_written"))
                .setStatsReset(Rows.instant(rs, "stats_reset"))
                .build();
    }

    private static HorizonHolder session(ResultSet rs) throws SQLException {
        return HorizonHolder.newBuilder()
                .setKind("session")
                .setName(String.valueOf(rs.getInt("pid")))
                .setXmin(rs.getLong("xmin"))
                .setXminAge(rs.getLong("xmin_age"))
                .setAgeSeconds(Rows.doubleOrNull(rs, "age_s"))
                .setDatabase(rs.getString("datname"))
                .setUser(rs.getString("usename"))
                .setApplication(rs.getString("application_name"))
                .setState(rs.getString("state"))
                .build();
    }

    private static HorizonHolder prepared(ResultSet rs) throws SQLException {
        return HorizonHolder.newBuilder()
                .setKind("prepared")
                .setName(rs.getString("gid"))
                .setXmin(rs.getLong("xmin"))
                .setXminAge(rs.getLong("xmin_age"))
                .setAgeSeconds(Rows.doubleOrNull(rs, "age_s"))
                .setDatabase(rs.getString("database"))
                .setUser(rs.getString("owner"))
                .build();
    }

    /** A slot holds the horizon with its xmin (hot_standby_feedback) or, for catalog tables only, its catalog_xmin. */
    private static HorizonHolder slotHolder(SlotInfo s) {
        boolean xmin = s.getXmin() != null;
        boolean catalog = s.getCatalogXmin() != null;
        if (!xmin && !catalog) {
            return null;
        }
        boolean useCatalog = catalog && (!xmin || s.getCatalogXminAge() > s.getXminAge());
        return HorizonHolder.newBuilder()
                .setKind("slot")
                .setName(s.getSlotName())
                .setXmin(useCatalog ? s.getCatalogXmin() : s.getXmin())
                .setXminAge(useCatalog ? s.getCatalogXminAge() : s.getXminAge())
                .setDatabase(s.getDatabase())
                .setState(useCatalog ? "catalog_xmin" : "xmin")
                .build();
    }
}

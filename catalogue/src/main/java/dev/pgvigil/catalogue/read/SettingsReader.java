package dev.pgvigil.catalogue.read;

import dev.pgvigil.schema.Setting;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The tuning-relevant pg_settings: memory, planner, parallelism, WAL and checkpoints, autovacuum,
 * logging, statistics, connections. A name unknown to a server version is simply absent.
 */
public final class SettingsReader {
    public static final List<String> NAMES = List.of(
            // memory
            "shared_buffers", "effective_cache_size", "work_mem", "maintenance_work_mem", "autovacuum_work_mem", "temp_buffers",
            "wal_buffers", "huge_pages", "hash_mem_multiplier", "logical_decoding_work_mem", "temp_file_limit",
            // planner
            "random_page_cost", "seq_page_cost", "cpu_tuple_cost", "cpu_index_tuple_cost", "cpu_operator_cost",
            "effective_io_concurrency", "maintenance_io_concurrency", "default_statistics_target", "from_collapse_limit",
            "join_collapse_limit", "plan_cache_mode", "jit", "jit_above_cost", "enable_seqscan", "enable_indexscan",
            "enable_bitmapscan", "enable_hashjoin", "enable_mergejoin", "enable_nestloop", "enable_partitionwise_join",
            "enable_partitionwise_aggregate",
            // parallelism
            "max_worker_processes", "max_parallel_workers", "max_parallel_workers_per_gather", "max_parallel_maintenance_workers",
            "parallel_setup_cost", "parallel_tuple_cost", "min_parallel_table_scan_size", "min_parallel_index_scan_size",
            // WAL, checkpoints, background writer
            "wal_level", "max_wal_size", "min_wal_size", "checkpoint_timeout", "checkpoint_completion_target", "checkpoint_warning",
            "wal_compression", "wal_writer_delay", "synchronous_commit", "fsync", "full_page_writes", "commit_delay",
            "wal_keep_size", "max_wal_senders", "max_replication_slots", "max_slot_wal_keep_size", "archive_mode",
            "bgwriter_delay", "bgwriter_lru_maxpages", "bgwriter_lru_multiplier",
            // autovacuum and vacuum
            "autovacuum", "autovacuum_max_workers", "autovacuum_naptime", "autovacuum_vacuum_threshold",
            "autovacuum_vacuum_scale_factor", "autovacuum_vacuum_insert_threshold", "autovacuum_vacuum_insert_scale_factor",
            "autovacuum_analyze_threshold", "autovacuum_analyze_scale_factor", "autovacuum_vacuum_cost_delay",
            "autovacuum_vacuum_cost_limit", "autovacuum_freeze_max_age", "autovacuum_multixact_freeze_max_age",
            "vacuum_cost_limit", "vacuum_cost_delay", "vacuum_freeze_min_age", "vacuum_freeze_table_age",
            // logging
            "log_min_duration_statement", "log_min_duration_sample", "log_statement", "log_lock_waits", "log_temp_files",
            "log_checkpoints", "log_connections", "log_disconnections", "log_autovacuum_min_duration", "log_min_messages",
            // statistics
            "track_io_timing", "track_wal_io_timing", "track_activities", "track_counts", "track_functions",
            "track_activity_query_size", "compute_query_id", "shared_preload_libraries", "pg_stat_statements.max",
            "pg_stat_statements.track",
            // connections and locks
            "max_connections", "superuser_reserved_connections", "reserved_connections", "max_locks_per_transaction",
            "max_prepared_transactions", "deadlock_timeout", "statement_timeout", "lock_timeout",
            "idle_in_transaction_session_timeout", "idle_session_timeout", "default_transaction_isolation",
            "tcp_keepalives_idle");

    /**
     * pgvigil sets statement_timeout and lock_timeout for its own session (source 'session'); the
     * server's value is then the reset value, which is what a DBA configured.
     */
    static final String SQL = """
            SELECT /* pgvigil */ name,
                   CASE WHEN source = 'session' THEN reset_val ELSE setting END AS setting,
                   unit, category, vartype,
                   CASE WHEN source = 'session' THEN 'configuration' ELSE source END AS source,
                   pending_restart
            FROM pg_settings
            WHERE name = ANY (?)
            ORDER BY name""";

    private SettingsReader() {}

    public static List<Setting> read(Connection c) throws SQLException {
        Array names = c.createArrayOf("text", NAMES.toArray());
        try {
            return Rows.list(c, SQL, ps -> ps.setArray(1, names), rs -> {
                String vartype = rs.getString("vartype");
                String value = rs.getString("setting");
                String unit = rs.getString("unit");
                SettingUnits.Normalized normalized = SettingUnits.normalize(vartype, value, unit);
                return Setting.newBuilder()
                        .setName(rs.getString("name"))
                        .setSetting(value)
                        .setUnit(unit)
                        .setNormalizedValue(normalized.value())
                        .setNormalizedUnit(normalized.unit())
                        .setCategory(rs.getString("category"))
                        .setVartype(vartype)
                        .setSource(rs.getString("source"))
                        .setPendingRestart(rs.getBoolean("pending_restart"))
                        .build();
            });
        } finally {
            names.free();
        }
    }
}

package dev.pgvigil.catalogue.read;

import java.util.Set;

/**
 * Where pg_stat_statements lives in the connected database and which columns its installed version has.
 * The columns decide the query, not the server version: an extension left at an old version after an
 * upgrade keeps its old columns.
 *
 * @param schema the extension's schema, already quoted as an identifier
 */
public record StatementsView(String schema, String version, Set<String> columns, boolean hasInfo) {
    /** 1.8+ (PostgreSQL 13) says total_exec_time; before, total_time. */
    String timeColumn(String kind) {
        return columns.contains("total_exec_time") ? kind + "_exec_time" : kind + "_time";
    }

    /** 1.11 (PostgreSQL 17) renamed blk_read_time to shared_blk_read_time. */
    String blockTimeColumn(String direction) {
        String renamed = "shared_blk_" + direction + "_time";
        return columns.contains(renamed) ? renamed : "blk_" + direction + "_time";
    }

    /** 1.9 (PostgreSQL 14) keeps top-level and nested runs of a statement in two rows. */
    String toplevelColumn() {
        return columns.contains("toplevel") ? "s.toplevel" : "true";
    }

    boolean hasWalBytes() {
        return columns.contains("wal_bytes");
    }
}

package dev.pgvigil.catalogue.read;

import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.TableStat;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * pg_stat_user_tables with pg_statio_user_tables and sizes, for the connected database.
 *
 * <p>The block counters are pg_statio_user_tables' own expressions (the same pg_stat_get_blocks_*
 * functions on the table, its indexes and its toast table) rather than a join with that view, which
 * would walk pg_class, pg_index and pg_namespace a second time. From PostgreSQL 15 on, when the indexes
 * kind was read, not even pg_stat_user_tables is asked: its columns are its own pg_stat_get_* calls on
 * pg_class, and the sums over each table's indexes (the view joins every index and groups by table for
 * them) are added up from that kind, as the index sizes are.
 *
 * <p>The size functions take a brief AccessShareLock per relation, which waits behind DDL holding (or
 * queued for) an AccessExclusiveLock; one such table would make the whole query hit lock_timeout. So a
 * table locked that way right now gets its sizes from pg_class.relpages (as of its last vacuum/analyze)
 * instead. Only a lock taken between that check and the size call can still time the query out.
 */
public final class TablesReader {
    /**
     * %1$s: the locked relations; %2$s: n_ins_since_vacuum, which PostgreSQL 13 added; %3$s: the indexes' size.
     * Parameters: the tables whose sizes are known (relid[]) and the file node each was measured on
     * (bigint[]); their sizes are null (see {@link SizeCache}). The same in {@link #CATALOGUE_SQL}.
     */
    private static final String SQL = """
            WITH /* pgvigil */ locked AS MATERIALIZED (%1$s),
                 sized AS MATERIALIZED (SELECT * FROM unnest(?::bigint[]::oid[], ?::bigint[]::oid[]) AS z(relid, filenode))
            SELECT current_database() AS datname, s.relid, s.schemaname, s.relname,
                   s.seq_scan, s.seq_tup_read, s.idx_scan, s.idx_tup_fetch,
                   s.n_tup_ins, s.n_tup_upd, s.n_tup_del, s.n_tup_hot_upd, s.n_live_tup, s.n_dead_tup,
                   s.n_mod_since_analyze, %2$s AS n_ins_since_vacuum,
                   s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze,
                   s.vacuum_count, s.autovacuum_count, s.analyze_count, s.autoanalyze_count,
                   pg_stat_get_blocks_fetched(s.relid) - pg_stat_get_blocks_hit(s.relid) AS heap_blks_read,
                   pg_stat_get_blocks_hit(s.relid) AS heap_blks_hit,
                   ib.idx_blks_read, ib.idx_blks_hit,
                   pg_stat_get_blocks_fetched(nullif(c.reltoastrelid, 0)) - pg_stat_get_blocks_hit(nullif(c.reltoastrelid, 0)) AS toast_blks_read,
                   pg_stat_get_blocks_hit(nullif(c.reltoastrelid, 0)) AS toast_blks_hit,
                   CASE WHEN z.relid IS NOT NULL THEN NULL
                        WHEN l.relation IS NULL THEN coalesce(pg_relation_size(s.relid), 0)
                        ELSE c.relpages::bigint * current_setting('block_size')::bigint END AS heap_size,
                   %3$s AS indexes_size,
                   CASE WHEN z.relid IS NOT NULL THEN NULL
                        WHEN c.reltoastrelid = 0 THEN 0
                        WHEN l.relation IS NULL THEN coalesce(pg_total_relation_size(c.reltoastrelid), 0)
                        ELSE (SELECT t.relpages::bigint * current_setting('block_size')::bigint FROM pg_class t WHERE t.oid = c.reltoastrelid) END AS toast_size,
                   c.reloptions, c.relfilenode::bigint AS filenode, l.relation IS NOT NULL AS locked
            FROM pg_stat_user_tables s
            JOIN pg_class c ON c.oid = s.relid
            CROSS JOIN LATERAL (SELECT sum(pg_stat_get_blocks_fetched(i.indexrelid) - pg_stat_get_blocks_hit(i.indexrelid))::bigint AS idx_blks_read,
                                       sum(pg_stat_get_blocks_hit(i.indexrelid))::bigint AS idx_blks_hit
                                FROM pg_index i WHERE i.indrelid = s.relid) ib
            LEFT JOIN (SELECT DISTINCT relation FROM locked) l ON l.relation = s.relid
            LEFT JOIN sized z ON z.relid = s.relid AND z.filenode = c.relfilenode""";

    /**
     * pg_stat_user_tables' rows and columns straight from the catalogue (PostgreSQL 15 and later, where
     * pg_stat_all_tables lists relkinds r, t, m and p), without the view's join with every index and its
     * GROUP BY: the index sums (idx_scan, idx_tup_fetch's index part, idx_blks_*) are added up from the
     * indexes kind by the reader, except for a partitioned table, whose partitioned indexes that kind
     * does not list. %1$s: the locked relations.
     */
    private static final String CATALOGUE_SQL = """
            WITH /* pgvigil */ locked AS MATERIALIZED (%1$s),
                 sized AS MATERIALIZED (SELECT * FROM unnest(?::bigint[]::oid[], ?::bigint[]::oid[]) AS z(relid, filenode))
            SELECT current_database() AS datname, c.oid AS relid, n.nspname AS schemaname, c.relname, c.relkind,
                   pg_stat_get_numscans(c.oid) AS seq_scan, pg_stat_get_tuples_returned(c.oid) AS seq_tup_read,
                   pg_stat_get_tuples_fetched(c.oid) AS tup_fetched,
                   pg_stat_get_tuples_inserted(c.oid) AS n_tup_ins, pg_stat_get_tuples_updated(c.oid) AS n_tup_upd,
                   pg_stat_get_tuples_deleted(c.oid) AS n_tup_del, pg_stat_get_tuples_hot_updated(c.oid) AS n_tup_hot_upd,
                   pg_stat_get_live_tuples(c.oid) AS n_live_tup, pg_stat_get_dead_tuples(c.oid) AS n_dead_tup,
                   pg_stat_get_mod_since_analyze(c.oid) AS n_mod_since_analyze, pg_stat_get_ins_since_vacuum(c.oid) AS n_ins_since_vacuum,
                   pg_stat_get_last_vacuum_time(c.oid) AS last_vacuum, pg_stat_get_last_autovacuum_time(c.oid) AS last_autovacuum,
                   pg_stat_get_last_analyze_time(c.oid) AS last_analyze, pg_stat_get_last_autoanalyze_time(c.oid) AS last_autoanalyze,
                   pg_stat_get_vacuum_count(c.oid) AS vacuum_count, pg_stat_get_autovacuum_count(c.oid) AS autovacuum_count,
                   pg_stat_get_analyze_count(c.oid) AS analyze_count, pg_stat_get_autoanalyze_count(c.oid) AS autoanalyze_count,
                   pg_stat_get_blocks_fetched(c.oid) - pg_stat_get_blocks_hit(c.oid) AS heap_blks_read,
                   pg_stat_get_blocks_hit(c.oid) AS heap_blks_hit,
                   CASE WHEN c.relkind = 'p' THEN (SELECT sum(pg_stat_get_numscans(i.indexrelid))::bigint FROM pg_index i WHERE i.indrelid = c.oid) END AS p_idx_scan,
                   CASE WHEN c.relkind = 'p' THEN (SELECT sum(pg_stat_get_tuples_fetched(i.indexrelid))::bigint FROM pg_index i WHERE i.indrelid = c.oid) END AS p_idx_tup_fetch,
                   CASE WHEN c.relkind = 'p' THEN (SELECT sum(pg_stat_get_blocks_fetched(i.indexrelid) - pg_stat_get_blocks_hit(i.indexrelid))::bigint
                                                   FROM pg_index i WHERE i.indrelid = c.oid) END AS p_idx_blks_read,
                   CASE WHEN c.relkind = 'p' THEN (SELECT sum(pg_stat_get_blocks_hit(i.indexrelid))::bigint FROM pg_index i WHERE i.indrelid = c.oid) END AS p_idx_blks_hit,
                   pg_stat_get_blocks_fetched(nullif(c.reltoastrelid, 0)) - pg_stat_get_blocks_hit(nullif(c.reltoastrelid, 0)) AS toast_blks_read,
                   pg_stat_get_blocks_hit(nullif(c.reltoastrelid, 0)) AS toast_blks_hit,
                   CASE WHEN z.relid IS NOT NULL THEN NULL
                        WHEN l.relation IS NULL THEN coalesce(pg_relation_size(c.oid), 0)
                        ELSE c.relpages::bigint * current_setting('block_size')::bigint END AS heap_size,
                   CASE WHEN z.relid IS NOT NULL THEN NULL
                        WHEN c.reltoastrelid = 0 THEN 0
                        WHEN l.relation IS NULL THEN coalesce(pg_total_relation_size(c.reltoastrelid), 0)
                        ELSE (SELECT t.relpages::bigint * current_setting('block_size')::bigint FROM pg_class t WHERE t.oid = c.reltoastrelid) END AS toast_size,
                   0::bigint AS indexes_size, -- added up from the indexes kind by the reader
                   c.reloptions, c.relfilenode::bigint AS filenode, l.relation IS NOT NULL AS locked
            FROM pg_class c
            LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN (SELECT DISTINCT relation FROM locked) l ON l.relation = c.oid
            LEFT JOIN sized z ON z.relid = c.oid AND z.filenode = c.relfilenode
            WHERE c.relkind IN ('r', 't', 'm', 'p')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'""";

    /**
     * Relations of this database with an AccessExclusiveLock held or awaited, and tables one of whose
     * indexes has one (pg_indexes_size opens every index of a table).
     */
    static final String LOCKED_SQL = """
            SELECT l.relation FROM pg_locks l
            WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            UNION
            SELECT i.indrelid FROM pg_locks l JOIN pg_index i ON i.indexrelid = l.relation
            WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())""";

    private TablesReader() {}

    /** Opens every index of the table again: used only when the indexes reader could not give the sizes. */
    private static final String INDEXES_SIZE_SQL = """
            CASE WHEN z.relid IS NOT NULL THEN NULL
                        WHEN l.relation IS NULL THEN coalesce(pg_indexes_size(s.relid), 0)
                        ELSE (SELECT coalesce(sum(ic.relpages), 0)::bigint * current_setting('block_size')::bigint
                              FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = s.relid) END""";

    /** @param indexesKnown the indexes kind was read: its sizes and counters are added up per table by the reader */
    static String sql(int serverVersionNum, boolean indexesKnown) {
        if (indexesKnown && fromCatalogue(serverVersionNum)) {
            return CATALOGUE_SQL.formatted(LOCKED_SQL);
        }
        return SQL.formatted(LOCKED_SQL, serverVersionNum >= 130_000 ? "s.n_ins_since_vacuum" : "NULL::bigint",
                indexesKnown ? "0::bigint" : INDEXES_SIZE_SQL);
    }

    /** pg_stat_all_tables lists r, t, m and p from 15 on (checked against the view by ReadersMatchViewsTest). */
    private static boolean fromCatalogue(int serverVersionNum) {
        return serverVersionNum >= 150_000;
    }

    /**
     * @param indexes this snapshot's indexes, whose sizes add up to each table's indexesSizeBytes (as
     *     pg_indexes_size would, without opening every index a second time) and, from PostgreSQL 15 on,
     *     whose counters add up to its idx_scan, idx_tup_fetch and idx_blks_*; null to ask the server
     */
    public static List<TableStat> read(Connection c, int serverVersionNum, List<IndexStat> indexes) throws SQLException {
        return read(c, serverVersionNum, indexes, new SizeCache.Known<>());
    }

    /** @param sizes sizes measured before; left holding this read's */
    static List<TableStat> read(Connection c, int serverVersionNum, List<IndexStat> indexes, SizeCache.Known<SizeCache.TableSizes> sizes)
            throws SQLException {
        Map<Long, IndexSums> sums = indexes == null ? null
                : indexes.stream().collect(Collectors.toMap(IndexStat::getRelid, IndexSums::of, IndexSums::plus));
        boolean fromCatalogue = sums != null && fromCatalogue(serverVersionNum);
        List<TableStat> tables = Rows.list(c, sql(serverVersionNum, sums != null),
                ps -> SizeCache.bindKnown(c, ps, 1, sizes, SizeCache.TableSizes::filenode), rs -> {
            long relid = rs.getLong("relid");
            SizeCache.TableSizes size = sizes(rs, relid, sizes);
            TableStat.Builder b = TableStat.newBuilder()
                    .setDatname(rs.getString("datname"))
                    .setRelid(relid)
                    .setSchemaName(rs.getString("schemaname"))
                    .setTableName(rs.getString("relname"))
                    .setSeqScan(rs.getLong("seq_scan"))
                    .setSeqTupRead(rs.getLong("seq_tup_read"))
                    .setNTupIns(rs.getLong("n_tup_ins"))
                    .setNTupUpd(rs.getLong("n_tup_upd"))
                    .setNTupDel(rs.getLong("n_tup_del"))
                    .setNTupHotUpd(rs.getLong("n_tup_hot_upd"))
                    .setNLiveTup(rs.getLong("n_live_tup"))
                    .setNDeadTup(rs.getLong("n_dead_tup"))
                    .setNModSinceAnalyze(rs.getLong("n_mod_since_analyze"))
                    .setNInsSinceVacuum(Rows.longOrNull(rs, "n_ins_since_vacuum"))
                    .setLastVacuum(Rows.instant(rs, "last_vacuum"))
                    .setLastAutovacuum(Rows.instant(rs, "last_autovacuum"))
                    .setLastAnalyze(Rows.instant(rs, "last_analyze"))
                    .setLastAutoanalyze(Rows.instant(rs, "last_autoanalyze"))
                    .setVacuumCount(rs.getLong("vacuum_count"))
                    .setAutovacuumCount(rs.getLong("autovacuum_count"))
                    .setAnalyzeCount(rs.getLong("analyze_count"))
                    .setAutoanalyzeCount(rs.getLong("autoanalyze_count"))
                    .setHeapBlksRead(rs.getLong("heap_blks_read"))
                    .setHeapBlksHit(rs.getLong("heap_blks_hit"))
                    .setToastBlksRead(Rows.longOrNull(rs, "toast_blks_read"))
                    .setToastBlksHit(Rows.longOrNull(rs, "toast_blks_hit"))
                    .setHeapSizeBytes(size.heapBytes())
                    .setIndexesSizeBytes(sums == null ? size.indexesBytes() : sums.getOrDefault(relid, IndexSums.NONE).sizeBytes())
                    .setToastSizeBytes(size.toastBytes())
                    .setReloptions(Rows.texts(rs, "reloptions"));
            if (!fromCatalogue) {
                b.setIdxScan(Rows.longOrNull(rs, "idx_scan"))
                        .setIdxTupFetch(Rows.longOrNull(rs, "idx_tup_fetch"))
                        .setIdxBlksRead(Rows.longOrNull(rs, "idx_blks_read"))
                        .setIdxBlksHit(Rows.longOrNull(rs, "idx_blks_hit"));
            } else if ("p".equals(rs.getString("relkind"))) {
                Long indexFetches = Rows.longOrNull(rs, "p_idx_tup_fetch");
                b.setIdxScan(Rows.longOrNull(rs, "p_idx_scan"))
                        .setIdxTupFetch(indexFetches == null ? null : indexFetches + rs.getLong("tup_fetched"))
                        .setIdxBlksRead(Rows.longOrNull(rs, "p_idx_blks_read"))
                        .setIdxBlksHit(Rows.longOrNull(rs, "p_idx_blks_hit"));
            } else {
                // as the views: null for a table without indexes, the sums over them otherwise
                IndexSums sum = sums.get(relid);
                b.setIdxScan(sum == null ? null : sum.scans())
                        .setIdxTupFetch(sum == null ? null : sum.tupFetches() + rs.getLong("tup_fetched"))
                        .setIdxBlksRead(sum == null ? null : sum.blksRead())
                        .setIdxBlksHit(sum == null ? null : sum.blksHit());
            }
            return b.build();
        });
        sizes.readDone();
        return tables;
    }

    /** The sizes the server measured now (kept unless read from relpages for a locked table), or those measured before. */
    private static SizeCache.TableSizes sizes(ResultSet rs, long relid, SizeCache.Known<SizeCache.TableSizes> sizes) throws SQLException {
        Long heap = Rows.longOrNull(rs, "heap_size");
        var now = heap == null ? null : new SizeCache.TableSizes(rs.getLong("filenode"), heap, rs.getLong("toast_size"), rs.getLong("indexes_size"));
        return sizes.sizeOf(relid, now, !rs.getBoolean("locked"));
    }

    /** One table's indexes added up. */
    private record IndexSums(long scans, long tupFetches, long blksRead, long blksHit, long sizeBytes) {
        static final IndexSums NONE = new IndexSums(0, 0, 0, 0, 0);

        static IndexSums of(IndexStat i) {
            return new IndexSums(i.getIdxScan(), i.getIdxTupFetch(), i.getIdxBlksRead(), i.getIdxBlksHit(), i.getSizeBytes());
        }

        IndexSums plus(IndexSums o) {
            return new IndexSums(scans + o.scans, tupFetches + o.tupFetches, blksRead + o.blksRead, blksHit + o.blksHit, sizeBytes + o.sizeBytes);
        }
    }
}

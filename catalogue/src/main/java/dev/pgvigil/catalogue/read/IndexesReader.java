package dev.pgvigil.catalogue.read;

import dev.pgvigil.schema.IndexStat;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * pg_stat_user_indexes with pg_statio_user_indexes, size, definition and flags, for the connected database.
 * The block counters are pg_statio_user_indexes' own expressions, not a join with that view (which would
 * walk the catalogue a second time).
 *
 * <p>pg_get_indexdef and pg_get_expr lock the index's table, and pg_relation_size the index, so an index
 * whose table or itself is under an AccessExclusiveLock (held or awaited, e.g. by ALTER TABLE) is read
 * without them: size from relpages, definition from the previous snapshot (or a placeholder), column
 * names from pg_attribute. Otherwise one locked table would time the whole query out.
 */
public final class IndexesReader {
    /**
     * Key columns only (indnkeyatts, not INCLUDE columns): a plain column by its table column's name (the
     * index's own attribute keeps the old name after a RENAME COLUMN; one index lookup per column, ~7 ms for
     * 4,000 indexes), an expression by its text, which only pg_get_indexdef can give.
     *
     * <p>Parameters: the indexes whose definition the reader already has (indexrelid[]) and the signature
     * each was read with (bigint[]). pg_get_indexdef and the key columns' names are read only for an index
     * whose signature is not among them; see {@link IndexDefinitionCache} for what the signature covers. Then
     * the indexes whose size is known (indexrelid[]) and the file node each was measured on (bigint[]): their
     * size_bytes is null, see {@link SizeCache}.
     */
    static final String SQL = """
            WITH /* pgvigil */ locked AS MATERIALIZED (SELECT l.relation FROM pg_locks l
                    WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
                      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())),
                known AS MATERIALIZED (SELECT * FROM unnest(?::bigint[]::oid[], ?::bigint[]) AS k(indexrelid, signature)),
                sized AS MATERIALIZED (SELECT * FROM unnest(?::bigint[]::oid[], ?::bigint[]::oid[]) AS z(relid, filenode)),
                catalogue AS MATERIALIZED (SELECT concat_ws(' ', current_setting('search_path'), current_setting('quote_all_identifiers'),
                        pg_stat_get_tuples_updated('pg_catalog.pg_attribute'::regclass),
                        pg_stat_get_tuples_updated('pg_catalog.pg_namespace'::regclass) + pg_stat_get_tuples_deleted('pg_catalog.pg_namespace'::regclass),
                        (SELECT sum(pg_stat_get_tuples_inserted(r) + pg_stat_get_tuples_updated(r) + pg_stat_get_tuples_deleted(r))
                         FROM unnest('{pg_catalog.pg_opclass,pg_catalog.pg_collation,pg_catalog.pg_am}'::regclass[]) AS r)) AS signature)
            SELECT x.*, CASE WHEN x.locked OR x.signature = k.signature THEN NULL ELSE pg_get_indexdef(x.indexrelid) END AS definition,
                   CASE WHEN NOT x.locked AND x.signature = k.signature THEN NULL
                        ELSE ARRAY(SELECT CASE WHEN x.indkey[a.attnum - 1] = 0 AND NOT x.locked
                                               THEN pg_get_indexdef(x.indexrelid, a.attnum, true)
                                               WHEN x.indkey[a.attnum - 1] = 0 THEN quote_ident(a.attname)
                                               ELSE (SELECT quote_ident(t.attname) FROM pg_attribute t
                                                     WHERE t.attrelid = x.relid AND t.attnum = x.indkey[a.attnum - 1]) END
                                   FROM pg_attribute a
                                   WHERE a.attrelid = x.indexrelid AND a.attnum BETWEEN 1 AND x.indnkeyatts ORDER BY a.attnum) END AS columns
            FROM (SELECT current_database() AS datname, s.indexrelid, s.relid, s.schemaname, s.relname, s.indexrelname,
                   s.idx_scan, s.idx_tup_read, s.idx_tup_fetch,
                   pg_stat_get_blocks_fetched(s.indexrelid) - pg_stat_get_blocks_hit(s.indexrelid) AS idx_blks_read,
                   pg_stat_get_blocks_hit(s.indexrelid) AS idx_blks_hit,
                   CASE WHEN z.relid IS NOT NULL THEN NULL
                        WHEN lk.locked THEN ic.relpages::bigint * current_setting('block_size')::bigint
                        ELSE coalesce(pg_relation_size(s.indexrelid), 0) END AS size_bytes,
                   ic.relfilenode::bigint AS filenode,
                   CASE WHEN i.indexprs IS NULL AND i.indpred IS NULL
                        THEN hashtextextended(concat_ws(' ', g.signature, ic.xmin, i.xmin, quote_ident(s.schemaname), quote_ident(s.relname)), 0) END AS signature,
                   i.indkey, i.indnkeyatts,
                   am.amname,
                   CASE WHEN NOT lk.locked THEN pg_get_expr(i.indpred, i.indrelid, true) END AS predicate,
                   i.indpred IS NOT NULL AS partial, lk.locked,
                   i.indisunique, i.indisprimary, i.indisvalid,
                   EXISTS (SELECT 1 FROM pg_constraint con
                           WHERE con.conindid = s.indexrelid AND con.conrelid = s.relid AND con.contype IN ('p', 'u', 'x')) AS backs_constraint
                FROM pg_stat_user_indexes s
                JOIN pg_index i ON i.indexrelid = s.indexrelid
                JOIN pg_class ic ON ic.oid = s.indexrelid
                JOIN pg_am am ON am.oid = ic.relam
                LEFT JOIN sized z ON z.relid = s.indexrelid AND z.filenode = ic.relfilenode
                CROSS JOIN catalogue g
                CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM locked WHERE locked.relation IN (s.indexrelid, s.relid)) AS locked) lk
                OFFSET 0) x -- a fence: each row's signature is computed once, not again in the CASE above
            LEFT JOIN known k ON k.indexrelid = x.indexrelid""";

    private IndexesReader() {}

    /** Every definition read and every size measured afresh. */
    public static List<IndexStat> read(Connection c, Map<Long, IndexStat> previous) throws SQLException {
        return read(c, previous, new IndexDefinitionCache(), new SizeCache.Known<>());
    }

    /**
     * @param previous the indexes of the previous snapshot by indexrelid, for definitions that cannot be read now
     * @param definitions definitions read before on this connection; left holding this read's
     * @param sizes sizes measured before; left holding this read's
     */
    static List<IndexStat> read(Connection c, Map<Long, IndexStat> previous, IndexDefinitionCache definitions,
                                SizeCache.Known<SizeCache.Measured> sizes) throws SQLException {
        Map<Long, IndexDefinitionCache.Entry> known = definitions.entries();
        Map<Long, IndexDefinitionCache.Entry> read = new HashMap<>();
        int[] reused = {0};
        Long[] knownIds = new Long[known.size()];
        Long[] knownSignatures = new Long[known.size()];
        int n = 0;
        for (var e : known.entrySet()) {
            knownIds[n] = e.getKey();
            knownSignatures[n++] = e.getValue().signature();
        }
        List<IndexStat> indexes = Rows.list(c, SQL, ps -> {
            ps.setArray(1, c.createArrayOf("int8", knownIds));
            ps.setArray(2, c.createArrayOf("int8", knownSignatures));
            SizeCache.bindKnown(c, ps, 3, sizes, SizeCache.Measured::filenode);
        }, rs -> {
            long indexRelid = rs.getLong("indexrelid");
            IndexStat index = withDefinition(rs, previous.get(indexRelid), known.get(indexRelid), IndexStat.newBuilder()
                    .setDatname(rs.getString("datname"))
                    .setIndexRelid(indexRelid)
                    .setRelid(rs.getLong("relid"))
                    .setSchemaName(rs.getString("schemaname"))
                    .setTableName(rs.getString("relname"))
                    .setIndexName(rs.getString("indexrelname"))
                    .setIdxScan(rs.getLong("idx_scan"))
                    .setIdxTupRead(rs.getLong("idx_tup_read"))
                    .setIdxTupFetch(rs.getLong("idx_tup_fetch"))
                    .setIdxBlksRead(rs.getLong("idx_blks_read"))
                    .setIdxBlksHit(rs.getLong("idx_blks_hit"))
                    .setSizeBytes(size(rs, indexRelid, sizes))
                    .setAccessMethod(rs.getString("amname"))
                    .setIsUnique(rs.getBoolean("indisunique"))
                    .setIsPrimary(rs.getBoolean("indisprimary"))
                    .setIsValid(rs.getBoolean("indisvalid"))
                    .setBacksConstraint(rs.getBoolean("backs_constraint")));
            Long signature = Rows.longOrNull(rs, "signature");
            if (!rs.getBoolean("locked") && rs.getString("definition") == null) {
                reused[0]++;
            }
            if (signature != null && !rs.getBoolean("locked")) {
                read.put(indexRelid, new IndexDefinitionCache.Entry(signature, index.getDefinition(), index.getColumns()));
            }
            return index;
        });
        definitions.replace(read, reused[0]);
        sizes.readDone();
        return indexes;
    }

    /** The size the server measured now (kept unless it is relpages' estimate for a locked index), or the one measured before. */
    private static long size(ResultSet rs, long indexRelid, SizeCache.Known<SizeCache.Measured> sizes) throws SQLException {
        Long bytes = Rows.longOrNull(rs, "size_bytes");
        SizeCache.Measured now = bytes == null ? null : new SizeCache.Measured(rs.getLong("filenode"), bytes);
        return sizes.sizeOf(indexRelid, now, !rs.getBoolean("locked")).bytes();
    }

    private static IndexStat withDefinition(ResultSet rs, IndexStat previous, IndexDefinitionCache.Entry known, IndexStat.Builder b)
            throws SQLException {
        if (!rs.getBoolean("locked")) {
            if (rs.getString("definition") == null && known != null) { // the server found this index's signature among the known ones
                return b.setDefinition(known.definition()).setColumns(known.columns()).setPredicate(null).build();
            }
            return b.setDefinition(rs.getString("definition")).setColumns(Rows.texts(rs, "columns"))
                    .setPredicate(rs.getString("predicate")).build();
        }
        if (previous != null) {
            return b.setDefinition(previous.getDefinition()).setColumns(previous.getColumns()).setPredicate(previous.getPredicate()).build();
        }
        return b.setDefinition("(definition unavailable: " + b.getTableName() + " is locked)").setColumns(Rows.texts(rs, "columns"))
                .setPredicate(rs.getBoolean("partial") ? "(unavailable: table locked)" : null).build();
    }
}

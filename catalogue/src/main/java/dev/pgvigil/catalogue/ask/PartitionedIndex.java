package dev.pgvigil.catalogue.ask;

import dev.pgvigil.catalogue.read.IndexesReader;
import dev.pgvigil.catalogue.read.Rows;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * An index of a partitioned table: it has no storage and no pg_stat_user_indexes row, so
 * {@link IndexesReader} does not see it, yet it is the index a statement on the parent table has. Its key
 * columns are not read here but taken from {@code leafIndexOid}, one of the indexes it cascades to (a
 * partition's columns have the parent's names), so the project keeps one query for index key columns.
 * The tree is walked in pg_inherits rather than with pg_partition_tree(), which would lock every partition's index.
 *
 * @param leafIndexOid an index on a partition that this index covers; null while the table has no partitions
 */
public record PartitionedIndex(long oid, long tableOid, String name, String accessMethod, boolean valid, boolean unique,
                               boolean partial, Long leafIndexOid) {
    static final String SQL = """
            WITH /* pgvigil */ RECURSIVE parents AS (
                SELECT i.indexrelid, i.indrelid, ic.relname, am.amname, i.indisvalid, i.indisunique, i.indpred IS NOT NULL AS partial
                FROM pg_index i
                JOIN pg_class ic ON ic.oid = i.indexrelid
                JOIN pg_am am ON am.oid = ic.relam
                JOIN pg_namespace n ON n.oid = ic.relnamespace
                WHERE ic.relkind = 'I' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'),
            tree AS (SELECT p.indexrelid AS root, h.inhrelid AS relid FROM parents p JOIN pg_inherits h ON h.inhparent = p.indexrelid
                     UNION ALL
                     SELECT t.root, h.inhrelid FROM tree t JOIN pg_inherits h ON h.inhparent = t.relid)
            SELECT p.*, (SELECT min(t.relid::bigint) FROM tree t JOIN pg_class c ON c.oid = t.relid
                         WHERE t.root = p.indexrelid AND c.relkind = 'i') AS leaf
            FROM parents p""";

    public static List<PartitionedIndex> all(Connection c) throws SQLException {
        return Rows.list(c, SQL, rs -> new PartitionedIndex(rs.getLong("indexrelid"), rs.getLong("indrelid"), rs.getString("relname"),
                rs.getString("amname"), rs.getBoolean("indisvalid"), rs.getBoolean("indisunique"), rs.getBoolean("partial"),
                Rows.longOrNull(rs, "leaf")));
    }
}

package dev.pgvigil.catalogue.read;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Sizes measured before, so that the size functions run at most once per {@code refresh} for a relation
 * or database that is still the same. pg_relation_size opens every file of a relation and
 * pg_database_size stats every file of a database: on a database of 2,000 tables and 4,000 indexes they
 * are about 140 ms of a read's 230 ms of server time, and the numbers they give move slowly.
 *
 * <p>Between refreshes a read tells the server which relations it knows, each with the file node its size
 * was measured on, and the server measures only the others: relations created since, and relations
 * rewritten since (TRUNCATE, VACUUM FULL, CLUSTER, REINDEX and ALTER TABLE … TYPE give a new file node), so
 * those show their new size at once. A database is known by its oid: a new one is measured at once, a
 * grown one at the next refresh. A size read from relpages because its relation was locked is not kept.
 *
 * <p>Whoever holds one drops it after a failed read and on a new connection, as the other caches of a
 * {@link SnapshotReader}.
 */
final class SizeCache {
    /** A relation's size in bytes and the file node it was measured on. */
    record Measured(long filenode, long bytes) {}

    /** A table's own sizes and the heap's file node (TRUNCATE and VACUUM FULL give the toast table a new one too). */
    record TableSizes(long filenode, long heapBytes, long toastBytes, long indexesBytes) {}

    /** What one kind measured, by oid: known before this read, and being gathered by it. */
    static final class Known<V> {
        private Map<Long, V> before = Map.of();
        private final Map<Long, V> now = new HashMap<>();

        /**
         * The size of {@code oid} in this read: {@code measuredNow}, kept for the next reads when {@code keep}
         * (not an estimate), or, when the server did not measure it (null), the size measured before.
         */
        V sizeOf(long oid, V measuredNow, boolean keep) {
            V v = measuredNow != null ? measuredNow : before.get(oid);
            if (v == null) {
                throw new IllegalStateException("the server skipped measuring " + oid + ", which was not known");
            }
            if (measuredNow == null || keep) {
                now.put(oid, v);
            }
            return v;
        }

        Map<Long, V> before() {
            return before;
        }

        /** The read is over: what it saw is all that can still be current. */
        void readDone() {
            before = Map.copyOf(now);
            now.clear();
        }

        void clear() {
            before = Map.of();
            now.clear();
        }
    }

    private final long refreshNanos;
    private long measuredAtNanos;
    private boolean measuredOnce;
    final Known<TableSizes> tables = new Known<>();
    final Known<Measured> indexes = new Known<>();
    final Known<Long> databases = new Known<>();

    /** @param refresh how old a kept size may get; zero measures everything on every read */
    SizeCache(Duration refresh) {
        this.refreshNanos = refresh.toNanos();
    }

    /** At the start of a read: forgets every size when they are due to be measured again. */
    void startRead(long nowNanos) {
        if (!measuredOnce || nowNanos - measuredAtNanos >= refreshNanos) {
            clear();
            measuredAtNanos = nowNanos;
            measuredOnce = true;
        }
    }

    void clear() {
        tables.clear();
        indexes.clear();
        databases.clear();
        measuredOnce = false;
    }

    /**
     * Binds the relations {@code kind} knows as two bigint[] parameters from {@code first}: their oids and
     * the file nodes they were measured on.
     */
    static <V> void bindKnown(Connection c, PreparedStatement ps, int first, Known<V> kind, ToLongFunction<V> filenode) throws SQLException {
        Long[] oids = new Long[kind.before().size()];
        Long[] filenodes = new Long[oids.length];
        int n = 0;
        for (Map.Entry<Long, V> e : kind.before().entrySet()) {
            oids[n] = e.getKey();
            filenodes[n++] = filenode.applyAsLong(e.getValue());
        }
        ps.setArray(first, c.createArrayOf("int8", oids));
        ps.setArray(first + 1, c.createArrayOf("int8", filenodes));
    }
}

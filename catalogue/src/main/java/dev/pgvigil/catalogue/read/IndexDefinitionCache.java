package dev.pgvigil.catalogue.read;

import java.util.List;
import java.util.Map;

/**
 * Index definitions and key column names read on one connection, so that pg_get_indexdef (a third of the indexes
 * query's server time with thousands of indexes) and the column lookups (a quarter) run only for an index whose
 * definition may have changed since.
 *
 * <p>An entry is kept with a signature of everything its text is made of, computed by the server in the
 * same query: the xmin of the index's pg_class row (its name, reloptions, tablespace) and pg_index row
 * (columns, options, flags; REINDEX CONCURRENTLY swaps both), the schema and table names (ALTER SCHEMA
 * RENAME, ALTER TABLE RENAME, SET SCHEMA), the search_path and quote_all_identifiers settings, and two
 * counters of the database's catalogue changes from its cumulative statistics: the updates of pg_attribute
 * (RENAME COLUMN changes a table's pg_attribute row, not pg_class) and of pg_namespace with its deletes, and
 * every insert, update and delete of pg_opclass, pg_collation and pg_am (operator class and collation names,
 * and whether they are printed qualified). An update always writes a new row version with a new xmin;
 * in-place updates (VACUUM's relpages) change nothing printed.
 *
 * <p>The counters are a database's, not a table's, so any column's ALTER throws every entry away once. They
 * replace a per-index look at the table's pg_attribute rows and sums over the four catalogues (0.8 and 0.5 ms
 * of a 2.4 ms query for 48 indexes on a quiet server): DDL is rare, cycles are not. pg_attribute's inserts and
 * deletes, and pg_namespace's inserts, are left out: temporary tables make them (a session's first makes its
 * temporary schema), and none changes an existing index's text (a new schema prints nothing until an operator
 * class or collation is made in it, and that is counted).
 * The server counts a change when the session that made it reports its statistics: from PostgreSQL 15, within
 * a second of its transaction; before, at the end of a transaction at least half a second after its last report,
 * or at its exit. So a changed definition is seen within about a second of the DDL, and where the counts lag
 * (an old server's session idle right after two quick DDLs, or track_counts off) at the latest on the periodic
 * fresh read below.
 *
 * <p>Indexes with expressions or a predicate are never kept: their text also names functions, operators
 * and types. Whoever holds a cache drops it after a failed read and on a new connection, and starts
 * afresh every so many reads as a safety net (see {@link SnapshotReader.Options}).
 */
final class IndexDefinitionCache {
    /** A definition, the names of its key columns, and the signature they were read with. */
    record Entry(long signature, String definition, List<String> columns) {}

    private Map<Long, Entry> entries = Map.of();
    private int reused;

    /** Known definitions by indexrelid. */
    Map<Long, Entry> entries() {
        return entries;
    }

    /**
     * The definitions of the last read, which are all that can still be current.
     *
     * @param reusedCount how many of them that read took from here rather than from pg_get_indexdef
     */
    void replace(Map<Long, Entry> read, int reusedCount) {
        entries = Map.copyOf(read);
        reused = reusedCount;
    }

    void clear() {
        entries = Map.of();
        reused = 0;
    }

    /** How many definitions the last read took from here. */
    int reused() {
        return reused;
    }
}

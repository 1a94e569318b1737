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
 * RENAME, ALTER TABLE RENAME, SET SCHEMA), the xmin of the table's pg_attribute rows the index uses
 * (RENAME COLUMN changes those, not pg_class), and, the same for every index, the search_path and
 * quote_all_identifiers settings and the xmin sums of pg_namespace, pg_opclass, pg_collation and pg_am
 * (operator class and collation names, and whether they are printed qualified). An update always
 * writes a new row version with a new xmin; in-place updates (VACUUM's relpages) change nothing printed.
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

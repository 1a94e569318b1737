package dev.pgvigil.advisor.sql;

import java.util.List;

/**
 * An existing index: its key columns in order ({@code null} for an expression), access method and the
 * flags that decide whether it can serve a plain lookup.
 */
public record IndexInfo(long oid, long tableOid, String name, List<String> columns, String accessMethod,
                        boolean valid, boolean unique, boolean partial, String definition) {
    public IndexInfo {
        columns = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(columns));
    }

    /** A valid, non-partial btree: the kind that serves any equality, range or order on its leading columns. */
    public boolean servesPlainLookups() {
        return valid && !partial && "btree".equals(accessMethod);
    }
}

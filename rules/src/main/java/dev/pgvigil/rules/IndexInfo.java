package dev.pgvigil.rules;

import java.util.List;

/** An index as the index rules see it: identity, definition, and scans since the statistics reset. */
public record IndexInfo(String schema, String table, String name, List<String> columns, String accessMethod, String predicate,
                        boolean unique, boolean primary, boolean valid, boolean backsConstraint, long sizeBytes, long scans,
                        String definition) {
    public IndexInfo {
        columns = List.copyOf(columns);
        accessMethod = accessMethod == null ? "btree" : accessMethod;
    }

    public String qualifiedName() {
        return Sql.qualified(schema, name);
    }

    public String qualifiedTable() {
        return Sql.qualified(schema, table);
    }

    /** "schema.name" as an object id in findings. */
    public String object() {
        return schema + "." + name;
    }
}

package dev.pgvigil.advisor.sql;

import dev.pgvigil.rules.Sql;
import java.util.List;

/** A user table as the planner sees it: its estimated rows and pages (from the last ANALYZE) and its columns. */
public record TableInfo(long oid, String schema, String name, double estimatedRows, long pages, List<String> columns) {
    public TableInfo {
        columns = List.copyOf(columns);
    }

    /** {@code schema.name}, quoted as needed: the form printed and used in DDL. */
    public String qualifiedName() {
        return Sql.qualified(schema, name);
    }

    public boolean hasColumn(String column) {
        return columns.contains(column);
    }
}

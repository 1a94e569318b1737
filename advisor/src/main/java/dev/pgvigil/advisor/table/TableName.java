package dev.pgvigil.advisor.table;

import dev.pgvigil.advisor.AdvisorCommand.UsageException;
import dev.pgvigil.catalogue.ask.RelationByName;
import dev.pgvigil.catalogue.ask.TablesNamedLike;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A table named on the command line, resolved by the server ({@link RelationByName}: the name is only ever
 * bound as a parameter, so a name like {@code x; DROP TABLE t --} is only a name that does not exist).
 */
public record TableName(long oid, String schema, String name, char kind) {
    /** The table, or a {@link UsageException} saying why not (bad syntax, no such table, not a table). */
    public static TableName resolve(Connection c, String text) throws SQLException {
        TableName found;
        try {
            found = RelationByName.find(c, text).map(r -> new TableName(r.oid(), r.schema(), r.name(), r.kind())).orElse(null);
        } catch (SQLException e) {
            if ("42602".equals(e.getSQLState()) || "42601".equals(e.getSQLState())) { // invalid_name / syntax_error
                throw new UsageException("'" + text + "' is not a valid table name (write schema.table; quote mixed case: \"MyTable\")");
            }
            if ("3F000".equals(e.getSQLState())) { // invalid_schema_name
                throw new UsageException("no table " + text + ": " + e.getMessage());
            }
            throw e;
        }
        if (found == null) {
            List<String> similar = TablesNamedLike.of(c, lastPart(text)).qualifiedNames();
            throw new UsageException("no table " + text + " in this database (resolved along its search_path)"
                    + (similar.isEmpty() ? "" : "; did you mean " + String.join(" or ", similar) + "?"));
        }
        if ("rpm".indexOf(found.kind) < 0) {
            throw new UsageException(found.schema + "." + found.name + " is " + kindName(found.kind) + ", not a table");
        }
        return found;
    }

    public String kindName() {
        return kindName(kind);
    }

    private static String kindName(char kind) {
        return switch (kind) {
            case 'r' -> "a table";
            case 'p' -> "a partitioned table";
            case 'm' -> "a materialized view";
            case 'v' -> "a view";
            case 'i', 'I' -> "an index";
            case 'S' -> "a sequence";
            case 'f' -> "a foreign table";
            default -> "a relation of kind " + kind;
        };
    }

    /** The part after the last dot, without quotes: only used to look for similar names. */
    private static String lastPart(String text) {
        String t = text.strip();
        int dot = t.lastIndexOf('.');
        String last = dot >= 0 ? t.substring(dot + 1) : t;
        return last.replace("\"", "");
    }
}

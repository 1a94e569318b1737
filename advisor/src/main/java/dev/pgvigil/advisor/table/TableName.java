package dev.pgvigil.advisor.table;

import dev.pgvigil.advisor.AdvisorCommand.UsageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A table named on the command line, resolved by the server: the name is bound as a parameter of
 * {@code to_regclass()} and never becomes part of a statement's text, so a name like
 * {@code x; DROP TABLE t --} is only ever a name that does not exist.
 */
public record TableName(long oid, String schema, String name, char kind) {
    private static final String RESOLVE = """
            /* pgvigil */ SELECT c.oid, n.nspname, c.relname, c.relkind
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid = to_regclass(?)""";

    private static final String SIMILAR = """
            /* pgvigil */ SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'm') AND lower(c.relname) = lower(?)
            ORDER BY 1 LIMIT 5""";

    /** The table, or a {@link UsageException} saying why not (bad syntax, no such table, not a table). */
    public static TableName resolve(Connection c, String text) throws SQLException {
        TableName found;
        try (PreparedStatement ps = c.prepareStatement(RESOLVE)) {
            ps.setString(1, text);
            try (ResultSet rs = ps.executeQuery()) {
                found = rs.next() ? new TableName(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4).charAt(0)) : null;
            }
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
            List<String> similar = similar(c, lastPart(text));
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

    private static List<String> similar(Connection c, String name) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SIMILAR)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** The part after the last dot, without quotes: only used to look for similar names. */
    private static String lastPart(String text) {
        String t = text.strip();
        int dot = t.lastIndexOf('.');
        String last = dot >= 0 ? t.substring(dot + 1) : t;
        return last.replace("\"", "");
    }
}

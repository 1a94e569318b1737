package dev.pgvigil.catalogue.ask;

import dev.pgvigil.catalogue.read.Rows;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The relation a name written as in SQL ({@code schema.table}, quotes for mixed case, unqualified along the
 * search_path) refers to, resolved by the server: the name is bound as a parameter of {@code to_regclass()}
 * and never becomes part of a statement's text, so {@code x; DROP TABLE t --} is only a name that does not exist.
 * A malformed name fails with SQLSTATE 42602 or 42601, a schema that does not exist with 3F000.
 *
 * @param kind pg_class.relkind
 */
public record RelationByName(long oid, String schema, String name, char kind) {
    static final String SQL = """
            SELECT /* pgvigil */ c.oid, n.nspname, c.relname, c.relkind
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid = to_regclass(?)""";

    public static Optional<RelationByName> find(Connection c, String name) throws SQLException {
        return Rows.list(c, SQL, ps -> ps.setString(1, name), rs -> new RelationByName(rs.getLong("oid"), rs.getString("nspname"),
                rs.getString("relname"), rs.getString("relkind").charAt(0))).stream().findFirst();
    }
}

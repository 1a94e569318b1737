package dev.pgvigil.catalogue.ask;

import dev.pgvigil.catalogue.read.Rows;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Up to five tables in any schema whose name equals a given one but for case, as {@code schema.table} quoted where needed: "did you mean". */
public record TablesNamedLike(List<String> qualifiedNames) {
    static final String SQL = """
            SELECT /* pgvigil */ quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qualified
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'm') AND lower(c.relname) = lower(?)
            ORDER BY 1 LIMIT 5""";

    public TablesNamedLike {
        qualifiedNames = List.copyOf(qualifiedNames);
    }

    /** @param name a bare table name, without schema or quotes */
    public static TablesNamedLike of(Connection c, String name) throws SQLException {
        return new TablesNamedLike(Rows.list(c, SQL, ps -> ps.setString(1, name), rs -> rs.getString("qualified")));
    }
}

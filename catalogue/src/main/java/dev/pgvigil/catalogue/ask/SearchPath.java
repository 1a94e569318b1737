package dev.pgvigil.catalogue.ask;

import dev.pgvigil.catalogue.read.Rows;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The schemas an unqualified table name is looked up in, in order, as this session resolves them (existing ones only). */
public record SearchPath(List<String> schemas) {
    static final String SQL = "SELECT /* pgvigil */ array(SELECT unnest(current_schemas(false))::text) AS schemas";

    public SearchPath {
        schemas = List.copyOf(schemas);
    }

    public static SearchPath of(Connection c) throws SQLException {
        return Rows.list(c, SQL, rs -> new SearchPath(Rows.texts(rs, "schemas"))).get(0);
    }
}

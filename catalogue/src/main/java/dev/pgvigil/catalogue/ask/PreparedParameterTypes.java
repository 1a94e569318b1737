package dev.pgvigil.catalogue.ask;

import dev.pgvigil.catalogue.read.Rows;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The parameter types of a statement this session prepared (PREPARE), as PostgreSQL inferred them, in order. */
public record PreparedParameterTypes(List<String> types) {
    static final String SQL = "SELECT /* pgvigil */ parameter_types::text[] AS types FROM pg_prepared_statements WHERE name = ?";

    public PreparedParameterTypes {
        types = List.copyOf(types);
    }

    /** Empty when no statement of that name is prepared in this session, or it has no parameters. */
    public static PreparedParameterTypes of(Connection c, String statementName) throws SQLException {
        List<List<String>> rows = Rows.list(c, SQL, ps -> ps.setString(1, statementName), rs -> Rows.texts(rs, "types"));
        return new PreparedParameterTypes(rows.isEmpty() ? List.of() : rows.get(0));
    }
}

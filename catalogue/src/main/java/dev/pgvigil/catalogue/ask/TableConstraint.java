package dev.pgvigil.catalogue.ask;

import dev.pgvigil.catalogue.read.Rows;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A constraint of one table: name, pg_constraint.contype ({@code p}rimary key, {@code u}nique, {@code f}oreign
 * key, {@code c}heck, e{@code x}clusion, {@code t}rigger) and definition.
 */
public record TableConstraint(String name, char type, String definition) {
    static final String SQL = """
            SELECT /* pgvigil */ conname, contype, pg_get_constraintdef(oid) AS definition
            FROM pg_constraint WHERE conrelid = ?
            ORDER BY position(contype IN 'pufcxt'), conname""";

    /** The constraints of table {@code oid}: primary key first, then unique, foreign keys, checks, exclusions, by name. */
    public static List<TableConstraint> of(Connection c, long oid) throws SQLException {
        return Rows.list(c, SQL, ps -> ps.setLong(1, oid), rs -> new TableConstraint(rs.getString("conname"),
                rs.getString("contype").charAt(0), rs.getString("definition")));
    }
}

package dev.pgvigil.catalogue.ask;

import dev.pgvigil.catalogue.read.Rows;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Whether the HypoPG extension is installed in the connected database (and in which schema, to call its
 * functions by a qualified name), or at least available on the server to be installed.
 *
 * @param schema the extension's schema as stored (not quoted); null when not installed
 */
public record HypoPgExtension(String schema, boolean available) {
    static final String SQL = """
            SELECT /* pgvigil */ (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                                WHERE e.extname = 'hypopg') AS schema,
                   EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg') AS available""";

    public boolean installed() {
        return schema != null;
    }

    public static HypoPgExtension of(Connection c) throws SQLException {
        return Rows.list(c, SQL, rs -> new HypoPgExtension(rs.getString("schema"), rs.getBoolean("available"))).get(0);
    }
}

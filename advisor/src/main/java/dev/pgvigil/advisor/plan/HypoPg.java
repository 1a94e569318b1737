package dev.pgvigil.advisor.plan;

import dev.pgvigil.catalogue.ask.HypoPgExtension;
import dev.pgvigil.rules.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * HypoPG: hypothetical indexes the planner sees but that cost nothing to create, so an index can be
 * tried with EXPLAIN before anyone builds it. They live only in this session and are reset after use.
 * pgvigil never installs the extension unless asked ({@code --create-hypopg}): that needs the owner of
 * the database or a superuser, and changes the database.
 */
public final class HypoPg {
    public enum Availability {
        INSTALLED, AVAILABLE_NOT_INSTALLED, NOT_AVAILABLE;

        /** What to tell a DBA about verification. */
        public String explanation(String database) {
            return switch (this) {
                case INSTALLED -> "verified with HypoPG: each index was tried as a hypothetical index in EXPLAIN";
                case AVAILABLE_NOT_INSTALLED -> "UNVERIFIED: HypoPG is available but not installed in " + database
                        + " (CREATE EXTENSION hypopg, or pass --create-hypopg) so the advice was not tried with EXPLAIN";
                case NOT_AVAILABLE -> "UNVERIFIED: HypoPG is not installed on the server (Debian: postgresql-NN-hypopg)"
                        + " so the advice was not tried with EXPLAIN";
            };
        }
    }

    private final Connection connection;
    private final String schema;

    private HypoPg(Connection connection, String schema) {
        this.connection = connection;
        this.schema = schema;
    }

    public static Availability availability(Connection c) throws SQLException {
        HypoPgExtension hypopg = HypoPgExtension.of(c);
        if (hypopg.installed()) {
            return Availability.INSTALLED;
        }
        return hypopg.available() ? Availability.AVAILABLE_NOT_INSTALLED : Availability.NOT_AVAILABLE;
    }

    /** Installs the extension in a read-write transaction of its own; the session stays read-only otherwise. */
    public static void install(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            // explicit, tagged transaction statements: pg_stat_statements keeps utility statements too
            s.execute("BEGIN /* pgvigil */ READ WRITE");
            try {
                s.execute("CREATE /* pgvigil */ EXTENSION IF NOT EXISTS hypopg");
                s.execute("COMMIT /* pgvigil */");
            } catch (SQLException e) {
                s.execute("ROLLBACK /* pgvigil */");
                throw e;
            }
        }
    }

    /** The installed extension, ready to use; empty when it is not installed in this database. */
    public static Optional<HypoPg> open(Connection c) throws SQLException {
        HypoPgExtension hypopg = HypoPgExtension.of(c);
        return hypopg.installed() ? Optional.of(new HypoPg(c, hypopg.schema())) : Optional.empty();
    }

    /** Creates a hypothetical index from a {@code CREATE INDEX} text and returns the name plans will show. */
    public String create(String createIndexSql) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT /* pgvigil */ indexname FROM " + Sql.quoteIdent(schema) + ".hypopg_create_index(?)")) {
            ps.setString(1, createIndexSql);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Drops every hypothetical index of this session. */
    public void reset() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT /* pgvigil */ " + Sql.quoteIdent(schema) + ".hypopg_reset()");
        }
    }
}

package dev.pgvigil.catalogue.read;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Predicate;

/**
 * Which of a cluster's databases a target reports on: those named in {@code include} (all when it is empty),
 * less those in {@code exclude}. A row whose database is gone (no name) belongs to a target that names none.
 *
 * <p>Readers of cluster-wide views (pg_stat_statements, pg_stat_database) filter with it in SQL, through
 * {@link #sql} and {@link #bind}, so that a cluster watched as one target per database sends each target its
 * own rows only, and sizes only its own database's files.
 */
public record DatabaseScope(List<String> include, List<String> exclude) implements Predicate<String> {
    public static final DatabaseScope ALL = new DatabaseScope(List.of(), List.of());

    /**
     * The same rule as {@link #test}, over the database name in {@code column}; three parameters, bound by
     * {@link #bind}.
     */
    static String sql(String column) {
        return "(cardinality(?::text[]) = 0 OR %1$s = ANY (?::text[])) AND NOT coalesce(%1$s = ANY (?::text[]), false)"
                .formatted(column);
    }

    public DatabaseScope {
        include = include == null ? List.of() : List.copyOf(include);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
    }

    public static DatabaseScope only(String database) {
        return new DatabaseScope(List.of(database), List.of());
    }

    @Override
    public boolean test(String datname) {
        if (datname == null) {
            return include.isEmpty();
        }
        return (include.isEmpty() || include.contains(datname)) && !exclude.contains(datname);
    }

    /** Binds {@link #sql}'s parameters from {@code first}. */
    void bind(Connection c, PreparedStatement ps, int first) throws SQLException {
        ps.setArray(first, c.createArrayOf("text", include.toArray()));
        ps.setArray(first + 1, c.createArrayOf("text", include.toArray()));
        ps.setArray(first + 2, c.createArrayOf("text", exclude.toArray()));
    }
}

package dev.pgvigil.catalogue.read;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every query one snapshot runs, as plain SQL with its parameters written in: for people who want to
 * see exactly what pgvigil asks a server, and for the benchmark that runs them raw through psql.
 */
public final class CatalogueQueries {
    private CatalogueQueries() {}

    /** The queries, in the order a snapshot runs them, for the server behind {@code c}. */
    public static List<String> forServer(Connection c, int queryTextMaxLength) throws SQLException {
        ServerInfo server = ServerInfoReader.read(c);
        Optional<StatementsView> view = StatementsReader.find(c);
        List<String> sql = new ArrayList<>();
        sql.add(ServerInfoReader.SQL);
        sql.add(StatementsReader.FIND_SQL);
        view.ifPresent(v -> {
            if (v.hasInfo()) {
                sql.add(StatementsReader.infoSql(v));
            }
            sql.add(inline(StatementsReader.sql(v), "'{}'", "'{}'", "'{}'")); // every database; texts are read only for statements not seen before: not in a steady read
            if (v.hasInfo()) {
                sql.add(StatementsReader.statsResetSql(v));
            }
        });
        // no definitions or sizes known: the queries of a first or refreshing read
        sql.add(inline(IndexesReader.SQL, "'{}'", "'{}'", "'{}'", "'{}'"));
        sql.add(inline(TablesReader.sql(server.versionNum(), true), "'{}'", "'{}'"));
        sql.add(inline(DatabaseReader.SQL, "'{}'", "'{}'", "'{}'", "'{}'")); // every database
        sql.add(ActivityReader.LIMITS_SQL);
        sql.add(inline(ActivityReader.SQL, String.valueOf(queryTextMaxLength)));
        sql.add(inline(SettingsReader.SQL, SettingsReader.NAMES.stream().map(n -> "'" + n + "'")
                .collect(Collectors.joining(", ", "ARRAY[", "]::text[]"))));
        sql.addAll(ReplicationReader.queries(server.versionNum()));
        return sql;
    }

    /** A psql script of those queries. */
    public static String asScript(List<String> queries) {
        return queries.stream().map(q -> q + ";\n").collect(Collectors.joining());
    }

    /** The query with its parameters, exactly as many as it has, written in. */
    private static String inline(String sql, String... values) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (String value : values) {
            int at = sql.indexOf('?', from);
            if (at < 0) {
                throw new IllegalStateException("expected " + values.length + " parameters in: " + sql);
            }
            out.append(sql, from, at).append(value);
            from = at + 1;
        }
        if (sql.indexOf('?', from) >= 0) {
            throw new IllegalStateException("expected " + values.length + " parameters in: " + sql);
        }
        return out.append(sql.substring(from)).toString();
    }
}

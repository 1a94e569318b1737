package dev.pgvigil.catalogue.ask;

import dev.pgvigil.catalogue.read.StatementsReader;
import dev.pgvigil.catalogue.read.StatementsView;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * Not a question but the one change to statistics pgvigil makes (report --reset-stats): the connected
 * database's pg_stat_statements entries, when the extension is there, and its statistics counters
 * (pg_stat_reset). Other databases' counters are not ours to reset. Needs a superuser, or EXECUTE on
 * pg_stat_reset() and pg_stat_statements_reset(oid, oid, bigint): without, it fails with SQLSTATE 42501.
 *
 * @param statements whether pg_stat_statements was reset too
 */
public record StatisticsReset(boolean statements) {
    static String statementsSql(StatementsView view) {
        return "SELECT /* pgvigil */ " + view.schema() // quote_ident'ed by the reader
                + ".pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)";
    }

    static final String COUNTERS_SQL = "SELECT /* pgvigil */ pg_stat_reset()";

    public static StatisticsReset run(Connection c) throws SQLException {
        Optional<StatementsView> view = StatementsReader.find(c);
        try (Statement s = c.createStatement()) {
            if (view.isPresent()) {
                s.execute(statementsSql(view.get()));
            }
            s.execute(COUNTERS_SQL);
        }
        return new StatisticsReset(view.isPresent());
    }
}

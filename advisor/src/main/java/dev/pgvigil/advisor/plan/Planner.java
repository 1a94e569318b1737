package dev.pgvigil.advisor.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgvigil.advisor.sql.SqlText;
import dev.pgvigil.catalogue.ask.PreparedParameterTypes;
import dev.pgvigil.catalogue.read.ServerInfoReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * EXPLAIN for statement texts that carry {@code $n} parameters, as pg_stat_statements keeps them.
 *
 * <p>Without values, pgvigil asks for the <em>generic plan</em>: the plan PostgreSQL would use for any
 * parameter values, costed from the column statistics. PostgreSQL 16+ has {@code EXPLAIN (GENERIC_PLAN)};
 * on older servers the same plan comes from {@code PREPARE} with {@code plan_cache_mode =
 * force_generic_plan} and {@code EXPLAIN EXECUTE} with NULLs, which the generic plan ignores. With values
 * (for EXPLAIN ANALYZE), they go to {@code EXECUTE} as literals quoted by the server's {@code quote_nullable},
 * never pasted into the statement text.
 *
 * <p>The statement text is checked to be one statement before it is prepared.
 */
public final class Planner {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final Connection connection;
    private final int serverVersionNum;

    public Planner(Connection connection) throws SQLException {
        this.connection = connection;
        this.serverVersionNum = ServerInfoReader.read(connection).versionNum();
    }

    public int serverVersionNum() {
        return serverVersionNum;
    }

    /** The generic plan of {@code sql} (EXPLAIN only: nothing is executed). */
    public JsonNode genericPlan(String sql) throws SQLException {
        String text = SqlText.singleStatement(SqlText.withoutPrepare(sql));
        if (serverVersionNum >= 160000) {
            return Plans.parse(queryOne("EXPLAIN /* pgvigil */ (GENERIC_PLAN, VERBOSE, FORMAT JSON) " + text));
        }
        return withPrepared(text, (name, types) -> {
            int count = types.size();
            try (Statement s = connection.createStatement()) {
                s.execute("SET /* pgvigil */ plan_cache_mode = force_generic_plan");
                try {
                    return Plans.parse(queryOne("EXPLAIN /* pgvigil */ (VERBOSE, FORMAT JSON) EXECUTE " + name + nullArguments(count)));
                } finally {
                    s.execute("RESET /* pgvigil */ plan_cache_mode");
                }
            }
        });
    }

    /**
     * EXPLAIN with the given parameter values ({@code null} for SQL NULL), optionally ANALYZE (which executes:
     * the caller decides the transaction it runs in). A statement without parameters is explained as it is.
     */
    public JsonNode explain(String sql, List<String> values, boolean analyze) throws SQLException {
        String text = SqlText.singleStatement(SqlText.withoutPrepare(sql));
        String options = analyze ? "(ANALYZE, BUFFERS, VERBOSE, FORMAT JSON)" : "(VERBOSE, FORMAT JSON)";
        return withPrepared(text, (name, types) -> {
            int count = types.size();
            if (count == 0) {
                return Plans.parse(queryOne("EXPLAIN /* pgvigil */ " + options + " " + text));
            }
            List<String> args = new ArrayList<>(values);
            while (args.size() < count) {
                args.add(null);
            }
            // EXECUTE's arguments are not typed at parse time, so they cannot be bind parameters: each value becomes a
            // literal quoted by the server (quote_nullable) and cast to its parameter's type as pg_prepared_statements names it
            List<String> literals = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                literals.add(literal(args.get(i)) + "::" + types.get(i));
            }
            return Plans.parse(queryOne("EXPLAIN /* pgvigil */ " + options + " EXECUTE " + name + "(" + String.join(", ", literals) + ")"));
        });
    }

    /** How many parameters a statement has, as PostgreSQL counts them (it must be able to infer their types). */
    public int parameterCount(String sql) throws SQLException {
        return withPrepared(SqlText.singleStatement(SqlText.withoutPrepare(sql)), (name, types) -> types.size());
    }

    private interface WithName<T> {
        T apply(String name, List<String> parameterTypes) throws SQLException;
    }

    private <T> T withPrepared(String text, WithName<T> body) throws SQLException {
        String name = "pgvigil_plan_" + NAMES.incrementAndGet();
        try (Statement s = connection.createStatement()) {
            s.execute("PREPARE /* pgvigil */ " + name + " AS " + text);
            try {
                T result = body.apply(name, PreparedParameterTypes.of(connection, name).types());
                s.execute("DEALLOCATE /* pgvigil */ " + name);
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    s.execute("DEALLOCATE /* pgvigil */ " + name);
                } catch (SQLException inAbortedTransaction) {
                    // the prepared statement ends with the session; the first error is the one to report
                    e.addSuppressed(inAbortedTransaction);
                }
                throw e;
            }
        }
    }

    private String literal(String value) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT /* pgvigil */ quote_nullable(?::text)")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private String queryOne(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            try (ResultSet rs = s.executeQuery(sql)) {
                StringBuilder sb = new StringBuilder();
                while (rs.next()) {
                    sb.append(rs.getString(1)).append('\n');
                }
                return sb.toString();
            }
        }
    }

    private static String nullArguments(int count) {
        return count == 0 ? "" : "(" + String.join(", ", Collections.nCopies(count, "NULL")) + ")";
    }
}

package dev.pgvigil.advisor.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgvigil.advisor.sql.SqlText;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
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
 * (for EXPLAIN ANALYZE), they are bound as parameters of {@code EXECUTE}, never spliced into the text.
 *
 * <p>The statement text is checked to be one statement before it is prepared.
 */
public final class Planner {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final Connection connection;
    private final int serverVersionNum;

    public Planner(Connection connection) throws SQLException {
        this.connection = connection;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("/* pgvigil */ SELECT current_setting('server_version_num')::int")) {
            rs.next();
            this.serverVersionNum = rs.getInt(1);
        }
    }

    public int serverVersionNum() {
        return serverVersionNum;
    }

    /** The generic plan of {@code sql} (EXPLAIN only: nothing is executed). */
    public JsonNode genericPlan(String sql) throws SQLException {
        String text = SqlText.singleStatement(sql);
        if (serverVersionNum >= 160000) {
            return Plans.parse(queryOne("/* pgvigil */ EXPLAIN (GENERIC_PLAN, FORMAT JSON) " + text, List.of()));
        }
        return withPrepared(text, (name, count) -> {
            try (Statement s = connection.createStatement()) {
                s.execute("SET plan_cache_mode = force_generic_plan");
                try {
                    return Plans.parse(queryOne("/* pgvigil */ EXPLAIN (FORMAT JSON) EXECUTE " + name + nullArguments(count), List.of()));
                } finally {
                    s.execute("RESET plan_cache_mode");
                }
            }
        });
    }

    /**
     * EXPLAIN with the given parameter values ({@code null} for SQL NULL), optionally ANALYZE (which executes:
     * the caller decides the transaction it runs in). A statement without parameters is explained as it is.
     */
    public JsonNode explain(String sql, List<String> values, boolean analyze) throws SQLException {
        String text = SqlText.singleStatement(sql);
        String options = analyze ? "(ANALYZE, BUFFERS, FORMAT JSON)" : "(FORMAT JSON)";
        return withPrepared(text, (name, count) -> {
            if (count == 0) {
                return Plans.parse(queryOne("/* pgvigil */ EXPLAIN " + options + " " + text, List.of()));
            }
            List<String> args = new ArrayList<>(values);
            while (args.size() < count) {
                args.add(null);
            }
            String placeholders = String.join(", ", Collections.nCopies(count, "?"));
            return Plans.parse(queryOne("/* pgvigil */ EXPLAIN " + options + " EXECUTE " + name + "(" + placeholders + ")", args.subList(0, count)));
        });
    }

    /** How many parameters a statement has, as PostgreSQL counts them (it must be able to infer their types). */
    public int parameterCount(String sql) throws SQLException {
        return withPrepared(SqlText.singleStatement(sql), (name, count) -> count);
    }

    private interface WithName<T> {
        T apply(String name, int parameterCount) throws SQLException;
    }

    private <T> T withPrepared(String text, WithName<T> body) throws SQLException {
        String name = "pgvigil_plan_" + NAMES.incrementAndGet();
        try (Statement s = connection.createStatement()) {
            s.execute("/* pgvigil */ PREPARE " + name + " AS " + text);
            try {
                int count;
                try (PreparedStatement ps = connection.prepareStatement(
                        "/* pgvigil */ SELECT coalesce(cardinality(parameter_types), 0) FROM pg_prepared_statements WHERE name = ?")) {
                    ps.setString(1, name);
                    try (ResultSet rs = ps.executeQuery()) {
                        count = rs.next() ? rs.getInt(1) : 0;
                    }
                }
                return body.apply(name, count);
            } finally {
                s.execute("DEALLOCATE " + name);
            }
        }
    }

    private String queryOne(String sql, List<String> args) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                if (args.get(i) == null) {
                    ps.setNull(i + 1, Types.OTHER);
                } else {
                    ps.setObject(i + 1, args.get(i), Types.OTHER);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
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

package dev.pgvigil.advisor.plan;

import dev.pgvigil.advisor.sql.Catalog;
import dev.pgvigil.advisor.sql.StatementShape.ParameterUse;
import dev.pgvigil.advisor.sql.StatementShape.Role;
import dev.pgvigil.advisor.sql.StatementShape;
import dev.pgvigil.catalogue.ask.ColumnStats;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Representative values for the {@code $n} of a normalised statement, so it can run under EXPLAIN
 * ANALYZE: the most common value of the column it is compared with (pg_stats), a histogram bound for a
 * range (the 90th percentile for {@code > $n} so the range stays narrow, the 45th/55th for a two-sided
 * range), 100 for a LIMIT, 0 for an OFFSET, and NULL where nothing is known. The {@link Planner} passes them
 * as literals quoted by the server.
 */
public final class ParameterValues {
    private ParameterValues() {}

    public static final String LIMIT_VALUE = "100";

    public static List<String> representative(StatementShape shape, Catalog catalog, int count) throws SQLException {
        Set<String> lowerBounded = new HashSet<>();
        Set<String> upperBounded = new HashSet<>();
        for (ParameterUse p : shape.parameters().values()) {
            if (p.table() != null) {
                String key = p.table().oid() + "." + p.column();
                if (p.role() == Role.LOWER_BOUND) {
                    lowerBounded.add(key);
                } else if (p.role() == Role.UPPER_BOUND) {
                    upperBounded.add(key);
                }
            }
        }
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            ParameterUse use = shape.parameters().get(i);
            if (use == null) {
                values.add(null);
                continue;
            }
            if (use.role() == Role.LIMIT) {
                values.add(LIMIT_VALUE);
                continue;
            }
            if (use.role() == Role.OFFSET) {
                values.add("0");
                continue;
            }
            Map<String, ColumnStats> stats = catalog.columnStats(use.table());
            ColumnStats s = stats.get(use.column());
            if (s == null) {
                values.add(null);
                continue;
            }
            String key = use.table().oid() + "." + use.column();
            boolean twoSided = lowerBounded.contains(key) && upperBounded.contains(key);
            values.add(switch (use.role()) {
                case EQUALS -> common(s);
                case ARRAY -> common(s) == null ? null : "{" + arrayElement(common(s)) + "}";
                case LOWER_BOUND -> percentile(s, twoSided ? 0.45 : 0.9);
                case UPPER_BOUND -> percentile(s, twoSided ? 0.55 : 0.1);
                default -> null;
            });
        }
        return values;
    }

    private static String common(ColumnStats s) {
        if (!s.mostCommonValues().isEmpty()) {
            return s.mostCommonValues().get(0);
        }
        return percentile(s, 0.5);
    }

    private static String percentile(ColumnStats s, double p) {
        List<String> bounds = s.histogramBounds();
        if (bounds.isEmpty()) {
            return s.mostCommonValues().isEmpty() ? null : s.mostCommonValues().get(0);
        }
        return bounds.get((int) Math.round(p * (bounds.size() - 1)));
    }

    /** An element of a PostgreSQL array literal: quoted, with backslash and double quote escaped. */
    private static String arrayElement(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}

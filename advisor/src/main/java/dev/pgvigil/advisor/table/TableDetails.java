package dev.pgvigil.advisor.table;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A table's columns (with their pg_stats) and constraints, from the catalog. */
public final class TableDetails {
    private TableDetails() {}

    /** A column: type, NOT NULL, default, and what ANALYZE saw (null when not analyzed or not readable). */
    public record Column(String name, String type, boolean notNull, String defaultValue, Double nullFraction, Double distinctValues,
                         Integer averageWidthBytes) {}

    /** A constraint: name, kind (primary key, unique, foreign key, check, exclusion) and definition. */
    public record Constraint(String name, String kind, String definition) {}

    private static final String COLUMNS = """
            /* pgvigil */ SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid) AS default_value,
                   s.null_frac, s.n_distinct, s.avg_width, c.reltuples
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname
                                 AND s.inherited = (c.relkind = 'p')
            WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum""";

    private static final String CONSTRAINTS = """
            /* pgvigil */ SELECT conname, contype, pg_get_constraintdef(oid) AS definition
            FROM pg_constraint WHERE conrelid = ?
            ORDER BY position(contype IN 'pufcxt'), conname""";

    public static List<Column> columns(Connection c, long oid) throws SQLException {
        List<Column> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Double nullFrac = nullable(rs, "null_frac");
                    Double nDistinct = nullable(rs, "n_distinct");
                    Double avgWidth = nullable(rs, "avg_width");
                    Integer width = avgWidth == null ? null : avgWidth.intValue();
                    Double distinct = nDistinct == null ? null
                            : nDistinct >= 0 ? nDistinct : Math.round(-nDistinct * Math.max(0, rs.getDouble("reltuples"))) * 1.0;
                    out.add(new Column(rs.getString("attname"), rs.getString("type"), rs.getBoolean("attnotnull"),
                            rs.getString("default_value"), nullFrac, distinct, width));
                }
            }
        }
        return out;
    }

    private static Double nullable(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    public static List<Constraint> constraints(Connection c, long oid) throws SQLException {
        List<Constraint> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(CONSTRAINTS)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Constraint(rs.getString("conname"), kind(rs.getString("contype")), rs.getString("definition")));
                }
            }
        }
        return out;
    }

    private static String kind(String contype) {
        return switch (contype) {
            case "p" -> "primary key";
            case "u" -> "unique";
            case "f" -> "foreign key";
            case "c" -> "check";
            case "x" -> "exclusion";
            case "t" -> "trigger";
            default -> contype;
        };
    }
}

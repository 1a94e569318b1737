package dev.pgvigil.advisor.table;

import dev.pgvigil.catalogue.ask.TableColumn;
import dev.pgvigil.catalogue.ask.TableConstraint;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** A table's columns (with their pg_stats) and constraints, from the catalogue's questions, in the words analyze-table prints. */
public final class TableDetails {
    private TableDetails() {}

    /** A column: type, NOT NULL, default, and what ANALYZE saw (null when not analyzed or not readable). */
    public record Column(String name, String type, boolean notNull, String defaultValue, Double nullFraction, Double distinctValues,
                         Integer averageWidthBytes) {}

    /** A constraint: name, kind (primary key, unique, foreign key, check, exclusion) and definition. */
    public record Constraint(String name, String kind, String definition) {}

    public static List<Column> columns(Connection c, long oid) throws SQLException {
        return TableColumn.of(c, oid).stream().map(col -> new Column(col.name(), col.type(), col.notNull(), col.defaultValue(),
                col.nullFraction(), distinct(col), col.averageWidthBytes() == null ? null : col.averageWidthBytes().intValue())).toList();
    }

    /** pg_stats' n_distinct as a count: a negative one is a share of the rows. */
    private static Double distinct(TableColumn col) {
        Double n = col.nDistinct();
        return n == null ? null : n >= 0 ? n : Math.round(-n * Math.max(0, col.tableEstimatedRows())) * 1.0;
    }

    public static List<Constraint> constraints(Connection c, long oid) throws SQLException {
        return TableConstraint.of(c, oid).stream().map(con -> new Constraint(con.name(), kind(con.type()), con.definition())).toList();
    }

    private static String kind(char contype) {
        return switch (contype) {
            case 'p' -> "primary key";
            case 'u' -> "unique";
            case 'f' -> "foreign key";
            case 'c' -> "check";
            case 'x' -> "exclusion";
            case 't' -> "trigger";
            default -> String.valueOf(contype);
        };
    }
}

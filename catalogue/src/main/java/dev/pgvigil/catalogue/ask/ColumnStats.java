package dev.pgvigil.catalogue.ask;

import dev.pgvigil.catalogue.read.Rows;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code pg_stats} knows about one column: share of NULLs, number of distinct values (negative: a
 * fraction of the rows, as in pg_stats), the most common values with their frequencies, and histogram bounds.
 */
public record ColumnStats(String column, double nullFraction, double nDistinct, List<String> mostCommonValues,
                          List<Double> mostCommonFrequencies, List<String> histogramBounds) {
    // inherited = false first: for a partitioned parent only the inherited row exists, and is then used
    static final String SQL = """
            SELECT /* pgvigil */ DISTINCT ON (attname) attname::text, null_frac, n_distinct,
                   most_common_vals::text::text[] AS most_common_vals, most_common_freqs, histogram_bounds::text::text[] AS histogram_bounds
            FROM pg_stats WHERE schemaname = ? AND tablename = ?
            ORDER BY attname, inherited""";

    public ColumnStats {
        mostCommonValues = mostCommonValues == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(mostCommonValues));
        mostCommonFrequencies = mostCommonFrequencies == null ? List.of() : List.copyOf(mostCommonFrequencies);
        histogramBounds = histogramBounds == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(histogramBounds));
    }

    /**
     * The statistics of a table's columns by column name; empty when the table was never analyzed or the
     * role may not read its columns (pg_stats shows only what the role can SELECT).
     */
    public static Map<String, ColumnStats> of(Connection c, String schema, String table) throws SQLException {
        Map<String, ColumnStats> result = new HashMap<>();
        Rows.forEach(c, SQL, ps -> {
            ps.setString(1, schema);
            ps.setString(2, table);
        }, rs -> {
            List<Double> freqs = new ArrayList<>();
            Array f = rs.getArray("most_common_freqs");
            if (f != null) {
                for (Object o : (Object[]) f.getArray()) {
                    freqs.add(((Number) o).doubleValue());
                }
            }
            ColumnStats s = new ColumnStats(rs.getString("attname"), rs.getDouble("null_frac"), rs.getDouble("n_distinct"),
                    strings(rs.getArray("most_common_vals")), freqs, strings(rs.getArray("histogram_bounds")));
            result.put(s.column(), s);
        });
        return result;
    }

    /** Distinct values for a table of {@code rows} rows, at least 1. */
    public double distinctValues(double rows) {
        double d = nDistinct >= 0 ? nDistinct : -nDistinct * rows;
        return Math.max(1, d);
    }

    /** Values as text, a NULL among them kept as null (not "null"). */
    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}

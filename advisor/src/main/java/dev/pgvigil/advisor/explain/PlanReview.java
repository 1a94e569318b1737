package dev.pgvigil.advisor.explain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgvigil.advisor.sql.Catalog;
import dev.pgvigil.advisor.sql.TableInfo;
import dev.pgvigil.common.text.Colors;
import dev.pgvigil.common.text.Human;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads an {@code EXPLAIN (VERBOSE, FORMAT JSON)} plan: prints it as an indented tree a person can
 * follow, and points at what usually matters: sequential scans that filter a large table, row counts
 * the planner misjudged (ANALYZE only), and sorts or hashes that spilled to disk (ANALYZE only).
 */
public final class PlanReview {
    /** The planner misjudged a node's rows by at least this factor (and it matters: {@link #MISESTIMATE_MIN_ROWS}). */
    static final double MISESTIMATE_FACTOR = 10;
    static final double MISESTIMATE_MIN_ROWS = 100;

    /** Something in the plan worth a look: its kind, the node it is on, and what to do. */
    public record Problem(String kind, String node, String detail, String advice) {}

    private final Catalog catalog;
    private final double largeTableRows;
    private final List<Problem> problems = new ArrayList<>();

    public PlanReview(Catalog catalog, double largeTableRows) {
        this.catalog = catalog;
        this.largeTableRows = largeTableRows;
    }

    /** Walks the plan, collecting problems; call once per plan. */
    public List<Problem> review(JsonNode explain) {
        problems.clear();
        walk(explain.path("Plan"));
        return List.copyOf(problems);
    }

    private void walk(JsonNode node) {
        String label = label(node);
        String type = node.path("Node Type").asText();
        if ("Seq Scan".equals(type) && node.has("Filter")) {
            table(node).filter(t -> t.estimatedRows() >= largeTableRows).ifPresent(t -> {
                String removed = node.has("Rows Removed by Filter")
                        ? ", the filter removed " + Human.count(node.path("Rows Removed by Filter").asLong()) + " rows per loop" : "";
                problems.add(new Problem("seq_scan", label,
                        "sequential scan of " + t.qualifiedName() + " (about " + Human.count((long) t.estimatedRows()) + " rows) to apply "
                                + node.path("Filter").asText() + removed,
                        "an index on the filtered columns lets the planner read only the matching rows (see the suggested index)"));
            });
        }
        if (node.has("Actual Rows") && node.path("Actual Loops").asLong(1) > 0) {
            double planned = node.path("Plan Rows").asDouble();
            double actual = node.path("Actual Rows").asDouble();
            double high = Math.max(planned, actual);
            double low = Math.max(1, Math.min(planned, actual));
            if (high >= MISESTIMATE_MIN_ROWS && high / low >= MISESTIMATE_FACTOR) {
                String table = table(node).map(TableInfo::qualifiedName).orElse(null);
                problems.add(new Problem("misestimate", label,
                        "estimated " + Human.count((long) planned) + " rows, got " + Human.count((long) actual) + " (per loop)",
                        table != null ? "ANALYZE " + table + "; if it persists, raise the statistics target of the filtered columns"
                                : "check the statistics of the tables below this node (ANALYZE)"));
            }
        }
        if ("Disk".equals(node.path("Sort Space Type").asText())) {
            long kb = node.path("Sort Space Used").asLong();
            problems.add(new Problem("disk_sort", label, "the sort spilled " + Human.bytes(kb * 1024) + " to disk",
                    "raise work_mem for this query to about " + Human.bytes(kb * 1024 * 2) + " (SET work_mem), or add an index in sort order"));
        }
        if (node.path("Hash Batches").asLong(1) > 1) {
            problems.add(new Problem("disk_hash", label, "the hash used " + node.path("Hash Batches").asLong()
                    + " batches (it did not fit in work_mem and spilled to disk), peak " + Human.bytes(node.path("Peak Memory Usage").asLong() * 1024),
                    "raise work_mem (or hash_mem_multiplier) for this query"));
        }
        for (JsonNode child : node.path("Plans")) {
            walk(child);
        }
    }

    private Optional<TableInfo> table(JsonNode node) {
        if (!node.has("Relation Name")) {
            return Optional.empty();
        }
        String schema = node.path("Schema").asText(null);
        String name = node.path("Relation Name").asText();
        // plan names are stored names: quote them so resolve() does not fold their case
        return catalog.resolve(schema == null ? null : quoted(schema), quoted(name));
    }

    private static String quoted(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** The node as one line: {@code Seq Scan on public.orders o} / {@code Index Scan using orders_pkey on public.orders}. */
    static String label(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        if (node.path("Parallel Aware").asBoolean()) {
            sb.append("Parallel ");
        }
        String type = node.path("Node Type").asText();
        if (node.has("Join Type") && type.endsWith("Join")) {
            String join = node.path("Join Type").asText();
            sb.append("Inner".equals(join) ? type : type + " " + join);
        } else if (node.has("Strategy") && "Aggregate".equals(type)) {
            sb.append(node.path("Strategy").asText()).append(' ').append(type);
        } else {
            sb.append(type);
        }
        if (node.has("Index Name")) {
            sb.append(" using ").append(node.path("Index Name").asText());
        }
        if (node.has("Relation Name")) {
            sb.append(" on ");
            if (node.has("Schema")) {
                sb.append(node.path("Schema").asText()).append('.');
            }
            sb.append(node.path("Relation Name").asText());
            String alias = node.path("Alias").asText(null);
            if (alias != null && !alias.equals(node.path("Relation Name").asText())) {
                sb.append(' ').append(alias);
            }
        }
        return sb.toString();
    }

    /** The plan as an indented tree, one node per line with its details underneath. */
    public static String render(JsonNode explain, Colors colors) {
        StringBuilder sb = new StringBuilder();
        render(explain.path("Plan"), 0, sb, colors);
        if (explain.has("Planning Time")) {
            sb.append("Planning time ").append(Human.millis(explain.path("Planning Time").asDouble()));
            if (explain.has("Execution Time")) {
                sb.append(", execution time ").append(Human.millis(explain.path("Execution Time").asDouble()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Laid out like psql's EXPLAIN: children under {@code ->}, six columns deeper per level, details under their node. */
    private static void render(JsonNode node, int depth, StringBuilder sb, Colors colors) {
        String indent = depth == 0 ? "" : " ".repeat(6 * (depth - 1) + 2) + "->  ";
        String pad = " ".repeat(6 * depth + 2);
        sb.append(indent).append(colors.bold(label(node))).append("  ")
                .append(colors.dim(String.format(Locale.ROOT, "(cost %s..%s rows %s)",
                        Human.number(node.path("Startup Cost").asDouble(), 2), Human.number(node.path("Total Cost").asDouble(), 2),
                        Human.count(node.path("Plan Rows").asLong()))));
        if (node.has("Actual Rows")) {
            sb.append(String.format(Locale.ROOT, " (actual %s rows x %s loops, %s)", Human.count(node.path("Actual Rows").asLong()),
                    Human.count(node.path("Actual Loops").asLong()), Human.millis(node.path("Actual Total Time").asDouble())));
        }
        sb.append('\n');
        for (String key : List.of("Index Cond", "Recheck Cond", "Hash Cond", "Merge Cond", "Join Filter", "Filter", "Sort Key",
                "Group Key", "Rows Removed by Filter", "Sort Method", "Sort Space Used", "Sort Space Type", "Hash Batches")) {
            if (node.has(key)) {
                JsonNode v = node.get(key);
                String text = v.isArray() ? joined(v) : v.asText();
                sb.append(pad).append(key).append(": ").append(text).append('\n');
            }
        }
        for (JsonNode child : node.path("Plans")) {
            render(child, depth + 1, sb, colors);
        }
    }

    private static String joined(JsonNode array) {
        List<String> parts = new ArrayList<>();
        array.forEach(v -> parts.add(v.asText()));
        return String.join(", ", parts);
    }
}

package dev.pgvigil.advisor.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Set;

/** Facts read from an {@code EXPLAIN (FORMAT JSON)} document. */
public final class Plans {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Plans() {}

    /** The top plan node of EXPLAIN's JSON output ({@code [{"Plan": {...}, ...}]}). */
    public static JsonNode parse(String explainJson) {
        try {
            JsonNode root = JSON.readTree(explainJson);
            JsonNode first = root.isArray() ? root.get(0) : root;
            return first;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode rootNode(JsonNode explain) {
        return explain.path("Plan");
    }

    public static double totalCost(JsonNode explain) {
        return rootNode(explain).path("Total Cost").asDouble(Double.NaN);
    }

    /** Every index name the plan uses, in plan order. */
    public static Set<String> indexNames(JsonNode explain) {
        Set<String> names = new LinkedHashSet<>();
        collectIndexNames(rootNode(explain), names);
        return names;
    }

    private static void collectIndexNames(JsonNode node, Set<String> names) {
        if (node.hasNonNull("Index Name")) {
            names.add(node.get("Index Name").asText());
        }
        for (JsonNode child : node.path("Plans")) {
            collectIndexNames(child, names);
        }
    }
}

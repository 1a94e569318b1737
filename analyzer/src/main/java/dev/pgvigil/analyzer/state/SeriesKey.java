package dev.pgvigil.analyzer.state;

import java.util.Map;
import java.util.TreeMap;

/**
 * A metric series as a store key: instance, name and labels (sorted), and back. The labels alone have a
 * key of their own too, naming a series inside a {@link RollupBlock}.
 */
public record SeriesKey(String instanceId, String name, Map<String, String> labels) {
    private static final char FIELD = '\u0000';
    private static final char PAIR = '\u0001';

    public String encode() {
        String labelsKey = labelsKey(labels);
        StringBuilder sb = new StringBuilder(instanceId).append(FIELD).append(name);
        return labelsKey.isEmpty() ? sb.toString() : sb.append(FIELD).append(labelsKey).toString();
    }

    public static SeriesKey decode(String key) {
        int first = key.indexOf(FIELD);
        int second = key.indexOf(FIELD, first + 1);
        return second < 0 ? new SeriesKey(key.substring(0, first), key.substring(first + 1), Map.of())
                : new SeriesKey(key.substring(0, first), key.substring(first + 1, second), labels(key.substring(second + 1)));
    }

    /** The labels, sorted by name, as one string: equal label sets give equal keys. */
    public static String labelsKey(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(labels).forEach((k, v) -> {
            if (!sb.isEmpty()) {
                sb.append(FIELD);
            }
            sb.append(k).append(PAIR).append(v);
        });
        return sb.toString();
    }

    public static Map<String, String> labels(String labelsKey) {
        Map<String, String> labels = new TreeMap<>();
        if (labelsKey.isEmpty()) {
            return labels;
        }
        for (String pair : labelsKey.split(String.valueOf(FIELD), -1)) {
            int bar = pair.indexOf(PAIR);
            labels.put(pair.substring(0, bar), pair.substring(bar + 1));
        }
        return labels;
    }
}

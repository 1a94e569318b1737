package dev.pgvigil.analyzer.state;

import java.util.Map;
import java.util.TreeMap;

/**
 * A metric of an instance as a store key (its rollup blocks are stored under it), and back; and the key
 * of a label set, which names one series inside a {@link RollupBlock}.
 */
public record SeriesKey(String instanceId, String name) {
    private static final char FIELD = '\u0000';
    private static final char PAIR = '\u0001';
    /** The labels key of a series without labels (an instance-wide metric). */
    public static final String NO_LABELS = "";

    public String encode() {
        return instanceId + FIELD + name;
    }

    public static SeriesKey decode(String key) {
        int field = key.indexOf(FIELD);
        return new SeriesKey(key.substring(0, field), key.substring(field + 1));
    }

    /** The labels, sorted by name, as one string: equal label sets give equal keys. */
    public static String labelsKey(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return NO_LABELS;
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

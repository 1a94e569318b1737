package dev.pgvigil.analyzer.state;

import java.util.Map;
import java.util.TreeMap;

/** A metric series as a store key: instance, name and labels (sorted), and back. */
public record SeriesKey(String instanceId, String name, Map<String, String> labels) {
    private static final char FIELD = '\u0000';
    private static final char PAIR = '\u0001';

    public String encode() {
        StringBuilder sb = new StringBuilder(instanceId).append(FIELD).append(name);
        new TreeMap<>(labels).forEach((k, v) -> sb.append(FIELD).append(k).append(PAIR).append(v));
        return sb.toString();
    }

    public static SeriesKey decode(String key) {
        String[] parts = key.split(String.valueOf(FIELD), -1);
        Map<String, String> labels = new TreeMap<>();
        for (int i = 2; i < parts.length; i++) {
            int bar = parts[i].indexOf(PAIR);
            labels.put(parts[i].substring(0, bar), parts[i].substring(bar + 1));
        }
        return new SeriesKey(parts[0], parts[1], labels);
    }
}

package dev.pgvigil.analyzer.process;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * The values of a decoded stats record that no PostgreSQL gives, checked before anything is judged:
 * a record holding one is poison (see {@link DecodeProcessor}). Valid Avro can still carry NaN or an
 * infinity (would reach metrics and rules as is), a negative counter (a negative delta, or a spike after
 * it), a string far over what the collector sends (one 1 MB name makes outputs over Kafka's message
 * limit, which stops the stream) or an absurd number of entities.
 *
 * <p>Walks the record's schema, so a field added later is covered without a change here.
 */
final class PayloadCheck {
    /** Longest string: the collector cuts query texts to {@code queryTextMaxLength}, at most 100,000. */
    static final int MAX_STRING_CHARS = 100_000;
    /** Most elements of one list or map: the collector's chunks (≤ 900,000 bytes) hold far fewer. */
    static final int MAX_ELEMENTS = 50_000;
    /**
     * Whole-number fields that may be negative: signed hashes and identifiers, sizes PostgreSQL itself
     * gives as negative (safe_wal_size of a lost slot), ages of transaction ids, -1 ports; every other
     * int or long is a counter, size, LSN, oid or pid, never negative.
     */
    private static final Set<String> SIGNED = Set.of("queryId", "systemIdentifier", "safeWalSizeBytes", "senderPort",
            "xminAge", "catalogXminAge", "frozenXidAge", "retainedBytes");

    private PayloadCheck() {
    }

    /** @throws IllegalArgumentException naming the first field at fault */
    static void check(Object value) {
        try {
            check(value, null);
        } catch (Poison p) {
            throw new IllegalArgumentException(p.getMessage());
        }
    }

    /**
     * Every entity of every record passes here, so the path to a field is only spelled out when a value
     * fails: each level adds its part as the exception goes up.
     */
    private static void check(Object value, String field) {
        if (value instanceof GenericRecord record) {
            for (Schema.Field f : record.getSchema().getFields()) {
                try {
                    check(record.get(f.pos()), f.name());
                } catch (Poison p) {
                    throw p.under(f.name());
                }
            }
        } else if (value instanceof Collection<?> list) {
            if (list.size() > MAX_ELEMENTS) {
                throw new Poison("holds " + list.size() + " elements, more than " + MAX_ELEMENTS);
            }
            int i = 0;
            for (Object element : list) {
                try {
                    check(element, field);
                } catch (Poison p) {
                    throw p.under("[" + i + "]");
                }
                i++;
            }
        } else if (value instanceof Map<?, ?> map) {
            if (map.size() > MAX_ELEMENTS) {
                throw new Poison("holds " + map.size() + " entries, more than " + MAX_ELEMENTS);
            }
            for (Map.Entry<?, ?> e : map.entrySet()) {
                try {
                    check(e.getKey(), null);
                } catch (Poison p) {
                    throw p.under(" key");
                }
                try {
                    check(e.getValue(), field);
                } catch (Poison p) {
                    throw p.under("[" + shortened(e.getKey()) + "]");
                }
            }
        } else if (value instanceof CharSequence text) {
            if (text.length() > MAX_STRING_CHARS) {
                throw new Poison("is " + text.length() + " characters long, more than " + MAX_STRING_CHARS);
            }
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                throw new Poison("is " + d + ", not a finite number");
            }
        } else if ((value instanceof Long || value instanceof Integer) && ((Number) value).longValue() < 0
                && (field == null || !SIGNED.contains(field))) {
            throw new Poison("is " + value + "; a count, size or position is never negative");
        }
    }

    /** A value at fault, and the path to it as far as the levels it passed through have added it. */
    private static final class Poison extends IllegalArgumentException {
        private final String problem;
        private String path = "";

        Poison(String problem) {
            super(problem);
            this.problem = problem;
        }

        /** Adds the part of the path one level up: a field name, "[i]" of a list, "[key]" or " key" of a map. */
        Poison under(String part) {
            boolean attached = path.isEmpty() || path.startsWith("[") || path.startsWith(" ");
            path = part + (attached ? "" : ".") + path;
            return this;
        }

        @Override
        public String getMessage() {
            return path.isEmpty() ? problem : path + " " + problem;
        }
    }

    private static String shortened(Object key) {
        String s = String.valueOf(key);
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}

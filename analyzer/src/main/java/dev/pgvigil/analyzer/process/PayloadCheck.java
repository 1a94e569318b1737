package dev.pgvigil.analyzer.process;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * The values of a decoded stats record that no PostgreSQL gives, checked before anything is judged:
 * a record holding one is poison (see {@link DecodeProcessor}). Valid Avro can still carry NaN or an
 * infinity (would reach metrics and rules as is), a negative counter (a negative delta, or a spike after
 * it), a string far over what the collector sends (one 1 MB name makes outputs over Kafka's message
 * limit, which stops the stream) or an absurd number of entities.
 *
 * <p>Follows the record's schema, so a field added later is covered without a change here.
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
            if (value instanceof GenericRecord record) {
                checkRecord(record);
            }
        } catch (Poison p) {
            throw new IllegalArgumentException(p.getMessage());
        }
    }

    /** What a field's values are checked for, from its schema (a nullable union counts as its other branch). */
    private enum Kind { RECORD, LIST, MAP, TEXT, FINITE, NON_NEGATIVE, NONE }

    /**
     * A field to check: its position, its name (for the path and the signed whole numbers), what to check,
     * and for lists and maps what to check of each element.
     */
    private record FieldCheck(int pos, String name, Kind kind, Kind elements) {}

    /**
     * Every entity of every record passes here, so what to check of each field is worked out once per
     * schema (the records come from the generated classes, each with one schema object), and a field that
     * cannot be at fault (a boolean, an enum, a timestamp) is not even read.
     */
    private static final Map<Schema, FieldCheck[]> PLANS = new ConcurrentHashMap<>();

    private static FieldCheck[] planOf(GenericRecord record) {
        return PLANS.computeIfAbsent(record.getSchema(), PayloadCheck::plan);
    }

    private static FieldCheck[] plan(Schema schema) {
        List<FieldCheck> checks = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            Schema type = nonNull(f.schema());
            Kind kind = kindOf(type, f.name());
            Kind elements = switch (kind) {
                case LIST -> kindOf(nonNull(type.getElementType()), f.name());
                case MAP -> kindOf(nonNull(type.getValueType()), f.name());
                default -> Kind.NONE;
            };
            if (elements == Kind.LIST || elements == Kind.MAP) {
                throw new IllegalStateException("PayloadCheck has no plan for lists or maps of lists or maps: " + f.name());
            }
            if (kind != Kind.NONE) {
                checks.add(new FieldCheck(f.pos(), f.name(), kind, elements));
            }
        }
        return checks.toArray(FieldCheck[]::new);
    }

    /** The type of a nullable union's values; the schemas have no other unions, and a new one must be planned here. */
    private static Schema nonNull(Schema s) {
        if (s.getType() != Schema.Type.UNION) {
            return s;
        }
        List<Schema> branches = s.getTypes().stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
        if (branches.size() != 1) {
            throw new IllegalStateException("PayloadCheck has no plan for the union " + s);
        }
        return branches.get(0);
    }

    private static Kind kindOf(Schema s, String field) {
        return switch (s.getType()) {
            case RECORD -> Kind.RECORD;
            case ARRAY -> Kind.LIST;
            case MAP -> Kind.MAP;
            case STRING -> Kind.TEXT;
            case FLOAT, DOUBLE -> Kind.FINITE;
            // a timestamp (a logical type) is read as an Instant, not a number: nothing to check
            case INT, LONG -> s.getLogicalType() != null || SIGNED.contains(field) ? Kind.NONE : Kind.NON_NEGATIVE;
            default -> Kind.NONE;
        };
    }

    /** Every entity of every record passes here, so the path to a field is only spelled out when a value fails. */
    private static void checkRecord(GenericRecord record) {
        for (FieldCheck f : planOf(record)) {
            Object value = record.get(f.pos());
            if (value == null) {
                continue;
            }
            try {
                switch (f.kind()) {
                    case LIST -> checkList((Collection<?>) value, f.elements());
                    case MAP -> checkMap((Map<?, ?>) value, f.elements());
                    default -> checkValue(value, f.kind());
                }
            } catch (Poison p) {
                throw p.under(f.name());
            }
        }
    }

    private static void checkList(Collection<?> list, Kind elements) {
        if (list.size() > MAX_ELEMENTS) {
            throw new Poison("holds " + list.size() + " elements, more than " + MAX_ELEMENTS);
        }
        if (elements == Kind.NONE) {
            return;
        }
        int i = 0;
        for (Object element : list) {
            try {
                checkValue(element, elements);
            } catch (Poison p) {
                throw p.under("[" + i + "]");
            }
            i++;
        }
    }

    private static void checkMap(Map<?, ?> map, Kind values) {
        if (map.size() > MAX_ELEMENTS) {
            throw new Poison("holds " + map.size() + " entries, more than " + MAX_ELEMENTS);
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            try {
                checkValue(e.getKey(), Kind.TEXT);
            } catch (Poison p) {
                throw p.under(" key");
            }
            try {
                checkValue(e.getValue(), values);
            } catch (Poison p) {
                throw p.under("[" + shortened(e.getKey()) + "]");
            }
        }
    }

    private static void checkValue(Object value, Kind kind) {
        if (value == null) {
            return;
        }
        switch (kind) {
            case RECORD -> checkRecord((GenericRecord) value);
            case TEXT -> {
                int length = ((CharSequence) value).length();
                if (length > MAX_STRING_CHARS) {
                    throw new Poison("is " + length + " characters long, more than " + MAX_STRING_CHARS);
                }
            }
            case FINITE -> {
                double d = ((Number) value).doubleValue();
                if (!Double.isFinite(d)) {
                    throw new Poison("is " + d + ", not a finite number");
                }
            }
            case NON_NEGATIVE -> {
                if (((Number) value).longValue() < 0) {
                    throw new Poison("is " + value + "; a count, size or position is never negative");
                }
            }
            default -> { }
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

package dev.pgvigil.schema.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

/**
 * Renders any Avro record (specific or generic) as plain JSON for people and scripts: timestamps as
 * ISO-8601 strings, enums as their symbol, a union as its value (not Avro's {@code {"string": ...}}
 * wrapper), null as null, bytes as base64. One-way: for reading JSON back use the Avro schema.
 */
public final class AvroJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final GenericData UNIONS = unionResolver();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AvroJson() {}

    private static GenericData unionResolver() {
        GenericData data = new GenericData();
        data.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        data.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        data.addLogicalTypeConversion(new TimeConversions.DateConversion());
        return data;
    }

    public static ObjectNode toJson(IndexedRecord record) {
        return record(record);
    }

    public static String toJsonString(IndexedRecord record) {
        return write(MAPPER, toJson(record));
    }

    public static String toPrettyJsonString(IndexedRecord record) {
        return write(PRETTY, toJson(record));
    }

    /** Compact or indented JSON text of any node (for callers that assemble several records). */
    public static String write(JsonNode node, boolean pretty) {
        return write(pretty ? PRETTY : MAPPER, node);
    }

    private static String write(ObjectMapper mapper, JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e); // a tree of plain nodes always writes
        }
    }

    private static ObjectNode record(IndexedRecord record) {
        ObjectNode node = NODES.objectNode();
        for (Schema.Field field : record.getSchema().getFields()) {
            node.set(field.name(), value(field.schema(), record.get(field.pos())));
        }
        return node;
    }

    private static JsonNode value(Schema schema, Object value) {
        if (value == null) {
            return NullNode.getInstance();
        }
        switch (schema.getType()) {
            case UNION:
                return value(branch(schema, value), value);
            case RECORD:
                return record((IndexedRecord) value);
            case ARRAY: {
                ArrayNode array = NODES.arrayNode();
                for (Object item : (Collection<?>) value) {
                    array.add(value(schema.getElementType(), item));
                }
                return array;
            }
            case MAP: {
                ObjectNode map = NODES.objectNode();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    map.set(String.valueOf(e.getKey()), value(schema.getValueType(), e.getValue()));
                }
                return map;
            }
            case ENUM:
            case STRING:
                return NODES.textNode(value.toString());
            case BYTES: {
                ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
            }
            case FIXED:
                return NODES.textNode(Base64.getEncoder().encodeToString(((GenericFixed) value).bytes()));
            case INT:
                return intValue(schema.getLogicalType(), value);
            case LONG:
                return longValue(schema.getLogicalType(), value);
            case FLOAT:
                return number(((Float) value).doubleValue());
            case DOUBLE:
                return number((Double) value);
            case BOOLEAN:
                return NODES.booleanNode((Boolean) value);
            case NULL:
            default:
                return NullNode.getInstance();
        }
    }

    /** The union branch a value belongs to; logical types (an Instant for a timestamp) resolve too. */
    private static Schema branch(Schema union, Object value) {
        List<Schema> nonNull = union.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).toList();
        if (nonNull.size() == 1) {
            return nonNull.get(0);
        }
        return union.getTypes().get(UNIONS.resolveUnion(union, value));
    }

    private static JsonNode intValue(LogicalType logicalType, Object value) {
        if (value instanceof LocalDate date) {
            return NODES.textNode(date.toString());
        }
        int v = (Integer) value;
        return logicalType instanceof LogicalTypes.Date ? NODES.textNode(LocalDate.ofEpochDay(v).toString()) : NODES.numberNode(v);
    }

    private static JsonNode longValue(LogicalType logicalType, Object value) {
        if (value instanceof Instant instant) {
            return NODES.textNode(instant.toString());
        }
        long v = (Long) value;
        if (logicalType instanceof LogicalTypes.TimestampMillis || logicalType instanceof LogicalTypes.LocalTimestampMillis) {
            return NODES.textNode(Instant.ofEpochMilli(v).toString());
        }
        if (logicalType instanceof LogicalTypes.TimestampMicros || logicalType instanceof LogicalTypes.LocalTimestampMicros) {
            return NODES.textNode(Instant.EPOCH.plusNanos(Math.multiplyExact(v, 1000L)).toString());
        }
        return NODES.numberNode(v);
    }

    /** JSON has no NaN or infinity: those become strings rather than invalid output. */
    private static JsonNode number(double v) {
        return Double.isFinite(v) ? NODES.numberNode(v) : NODES.textNode(Double.toString(v));
    }
}

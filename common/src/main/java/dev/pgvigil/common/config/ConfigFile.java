package dev.pgvigil.common.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * pgvigil's YAML configuration: one file with a section per service, so standalone mode and the
 * separate services read the same file.
 *
 * <pre>
 * kafka:     { bootstrapServers: ..., properties: {...} }   # KafkaSettings
 * collector: { ... }
 * analyzer:  { ... }
 * alerter:   { ... }
 * http:      { ... }
 * </pre>
 *
 * Each section binds to a record of the service that owns it. Unknown keys, wrong types and failed
 * validation become a {@link ConfigException} naming the file, the line and the key.
 */
public final class ConfigFile {
    /** The top-level sections; any other top-level key is a mistake worth reporting. */
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '.*'");

    public static final Set<String> SECTIONS = Set.of("kafka", "collector", "analyzer", "alerter", "http", "standalone");

    /** Far above any real configuration; a larger file is refused before the YAML parser sees it (a 10 MB line took it ~20 s). */
    public static final int MAX_BYTES = 1 << 20;

    // a key given twice is an error, not "the last one wins": the first one is usually the one the reader believes
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private final Path file;
    private final String text;

    private ConfigFile(Path file, String text) {
        this.file = file;
        this.text = text;
    }

    /** Reads {@code file} and checks that it is YAML with only known top-level sections. */
    public static ConfigFile load(Path file) {
        String text;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new ConfigException(file, 0, null, "is " + size + " bytes; a configuration file may have at most " + MAX_BYTES);
            }
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file, 0, null, "cannot read: " + e.getMessage());
        }
        ConfigFile config = new ConfigFile(file, text);
        config.checkSections();
        return config;
    }

    /** A configuration from text, for tests and built-in defaults; {@code name} stands in for the file. */
    public static ConfigFile parse(String name, String text) {
        if (text.length() > MAX_BYTES) {
            throw new ConfigException(Path.of(name), 0, null, "is " + text.length() + " characters; a configuration may have at most " + MAX_BYTES);
        }
        ConfigFile config = new ConfigFile(Path.of(name), text);
        config.checkSections();
        return config;
    }

    public Path file() {
        return file;
    }

    public boolean has(String section) {
        return topLevelKeys().contains(section);
    }

    /**
     * Binds {@code section} to {@code type}; when the section is absent, binds an empty mapping (so the
     * record's defaults apply, or its validation says what is missing).
     */
    public <T> T section(String section, Class<T> type) {
        try (JsonParser parser = YAML.createParser(text)) {
            if (seekTopLevelField(parser, section)) {
                JsonToken value = parser.nextToken();
                // "alerter:" with nothing under it is an empty section, not an empty string
                boolean empty = value == JsonToken.VALUE_NULL || (value == JsonToken.VALUE_STRING && parser.getText().isEmpty());
                if (!empty) {
                    return YAML.readValue(parser, type);
                }
            }
        } catch (JsonMappingException e) {
            throw mappingError(section, e);
        } catch (JsonProcessingException e) {
            throw syntaxError(e);
        } catch (IOException e) {
            throw new ConfigException(file, 0, section, e.getMessage());
        }
        try (JsonParser empty = YAML.createParser("{}")) {
            return YAML.readValue(empty, type);
        } catch (JsonMappingException e) {
            throw new ConfigException(file, 0, section, "section is required: " + rootCause(e));
        } catch (IOException e) {
            throw new ConfigException(file, 0, section, e.getMessage());
        }
    }

    private void checkSections() {
        Set<String> unknown = topLevelKeys().stream().filter(k -> !SECTIONS.contains(k))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (!unknown.isEmpty()) {
            String key = unknown.iterator().next();
            throw new ConfigException(file, lineOfTopLevel(key), key,
                    "unknown section (expected one of " + String.join(", ", SECTIONS.stream().sorted().toList()) + ")");
        }
    }

    private Set<String> topLevelKeys() {
        Set<String> keys = new LinkedHashSet<>();
        try (JsonParser parser = YAML.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return keys; // empty file: every section takes its defaults
            }
            if (first != JsonToken.START_OBJECT) {
                throw new ConfigException(file, line(parser.currentTokenLocation()), null, "expected a mapping of sections at the top");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                if (!keys.add(parser.currentName())) {
                    throw new ConfigException(file, line(parser.currentTokenLocation()), parser.currentName(), "duplicate section");
                }
                parser.nextToken();
                parser.skipChildren();
            }
        } catch (JsonProcessingException e) {
            throw syntaxError(e);
        } catch (IOException e) {
            throw new ConfigException(file, 0, null, e.getMessage());
        }
        return keys;
    }

    private int lineOfTopLevel(String key) {
        try (JsonParser parser = YAML.createParser(text)) {
            return seekTopLevelField(parser, key) ? line(parser.currentTokenLocation()) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean seekTopLevelField(JsonParser parser, String name) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return false;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            if (name.equals(parser.currentName())) {
                return true;
            }
            parser.nextToken();
            parser.skipChildren();
        }
        return false;
    }

    private ConfigException mappingError(String section, JsonMappingException e) {
        java.util.List<Object> path = new java.util.ArrayList<>();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.add(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.add(ref.getIndex());
            }
        }
        String problem;
        if (e instanceof UnrecognizedPropertyException u) {
            problem = "unknown key '" + u.getPropertyName() + "' (known: " + u.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")";
        } else if (innermost(e) instanceof ConfigKeyException k) {
            path.addAll(k.path()); // a record's check about one of its keys: report that key and its line
            problem = k.problem();
        } else {
            problem = rootCause(e);
        }
        StringBuilder key = new StringBuilder(section);
        for (Object p : path) {
            key.append(p instanceof Integer i ? "[" + i + "]" : "." + p);
        }
        // the parser stands past the offending value (a record's validation fails at the end of its mapping):
        // walk the key path instead, so the line is where the key is
        int line = lineOfPath(section, path);
        return new ConfigException(file, line > 0 ? line : line(e.getLocation()), key.toString(), problem);
    }

    private static Throwable innermost(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private int lineOfPath(String section, java.util.List<Object> path) {
        try (JsonParser p = YAML.createParser(text)) {
            if (!seekTopLevelField(p, section)) {
                return 0;
            }
            JsonToken t = p.nextToken();
            for (Object ref : path) {
                if (ref instanceof String name) {
                    if (t != JsonToken.START_OBJECT) {
                        return 0;
                    }
                    boolean found = false;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        if (name.equals(p.currentName())) {
                            t = p.nextToken();
                            found = true;
                            break;
                        }
                        p.nextToken();
                        p.skipChildren();
                    }
                    if (!found) {
                        return 0;
                    }
                } else if (ref instanceof Integer index) {
                    if (t != JsonToken.START_ARRAY) {
                        return 0;
                    }
                    for (int i = 0; i <= index; i++) {
                        t = p.nextToken();
                        if (t == JsonToken.END_ARRAY) {
                            return 0;
                        }
                        if (i < index) {
                            p.skipChildren();
                        }
                    }
                }
            }
            return line(p.currentTokenLocation());
        } catch (IOException e) {
            return 0;
        }
    }

    /** The validation message of a record constructor, or Jackson's own words without its location noise. */
    private static String rootCause(JsonMappingException e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t != e && t.getMessage() != null) {
            return t.getMessage();
        }
        return e.getOriginalMessage();
    }

    private ConfigException syntaxError(JsonProcessingException e) {
        Matcher duplicate = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
        if (duplicate.matches()) {
            return new ConfigException(file, line(e.getLocation()), pathAt(e), "given twice (remove one: pgvigil does not guess which one you meant)");
        }
        return new ConfigException(file, line(e.getLocation()), null, "not valid YAML: " + e.getOriginalMessage());
    }

    /** The dotted key path where the parser stood, e.g. {@code collector.targets[0].url}. */
    private static String pathAt(JsonProcessingException e) {
        if (!(e.getProcessor() instanceof JsonParser parser)) {
            return null;
        }
        StringBuilder path = new StringBuilder();
        for (JsonStreamContext c = parser.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
            path.insert(0, c.inArray() ? "[" + c.getCurrentIndex() + "]" : "." + c.getCurrentName());
        }
        return path.length() > 0 && path.charAt(0) == '.' ? path.substring(1) : path.toString();
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : Math.max(0, location.getLineNr());
    }
}

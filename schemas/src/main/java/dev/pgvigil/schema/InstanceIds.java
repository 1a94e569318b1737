package dev.pgvigil.schema;

import java.util.regex.Pattern;

/**
 * What an instance id may be. Ids are record keys, metric labels, URL path segments and file names
 * downstream, so they stay plain; the collector refuses any other in its configuration, and the analyzer
 * dead-letters a record that carries one.
 */
public final class InstanceIds {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    /** The rule in words, for error messages. */
    public static final String RULE = "1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit";

    private InstanceIds() {}

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }
}

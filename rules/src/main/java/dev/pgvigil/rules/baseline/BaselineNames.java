package dev.pgvigil.rules.baseline;

import java.util.regex.Pattern;

/** What a baseline may be called, one rule for the dashboard, the command line and the analyzer. */
public final class BaselineNames {
    /** Letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64: safe in a URL path and a file. */
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    public static final String RULE = "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit";

    private BaselineNames() {}

    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }
}

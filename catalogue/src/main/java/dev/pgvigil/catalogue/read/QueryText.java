package dev.pgvigil.catalogue.read;

import java.util.regex.Pattern;

/**
 * Query text as pgvigil publishes it. pg_stat_statements and pg_stat_activity keep utility statements
 * verbatim, so {@code CREATE ROLE ... PASSWORD 'secret'} or a dblink connection string would otherwise
 * carry a password into Kafka: those literals are masked.
 */
public final class QueryText {
    private static final Pattern PASSWORD_LITERAL = Pattern.compile("(?i)(\\bpassword\\s+)(?:E?'(?:[^']|'')*'?|\\$[^$]*\\$.*?\\$[^$]*\\$)");
    private static final Pattern CONNINFO_PASSWORD = Pattern.compile("(?i)(\\bpassword\\s*=\\s*)(?:'(?:[^'\\\\]|\\\\.)*'|[^\\s'\"]+)");
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(\\bpostgres(?:ql)?://[^:/@\\s]+:)[^@\\s]+(@)");

    private QueryText() {}

    public static String scrub(String query) {
        if (query == null || !mayHoldPassword(query)) {
            return query;
        }
        String out = PASSWORD_LITERAL.matcher(query).replaceAll("$1'***'");
        out = CONNINFO_PASSWORD.matcher(out).replaceAll("$1***");
        return URL_PASSWORD.matcher(out).replaceAll("$1***$2");
    }

    /**
     * Every pattern above needs "password" or "://" in the text; checking for those first spares the
     * regular expressions on nearly every statement of a snapshot.
     */
    private static boolean mayHoldPassword(String query) {
        return query.contains("://") || containsIgnoreCase(query, "password");
    }

    private static boolean containsIgnoreCase(String text, String lowerCaseWord) {
        int last = text.length() - lowerCaseWord.length();
        char first = lowerCaseWord.charAt(0);
        char firstUpper = Character.toUpperCase(first);
        for (int i = 0; i <= last; i++) {
            char c = text.charAt(i);
            if ((c == first || c == firstUpper) && text.regionMatches(true, i, lowerCaseWord, 0, lowerCaseWord.length())) {
                return true;
            }
        }
        return false;
    }
}

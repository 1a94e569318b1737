package dev.pgvigil.advisor.sql;

import java.util.Locale;

/**
 * Lexical facts about one SQL text, read the way PostgreSQL's scanner reads it (quotes, dollar quotes,
 * comments): is it a single statement, and what is its first key word. pgvigil runs statement texts from
 * pg_stat_statements or the command line inside EXPLAIN; these checks keep a second statement from
 * riding along.
 */
public final class SqlText {
    private SqlText() {}

    /**
     * The text without a trailing semicolon, or an {@link IllegalArgumentException} when it holds more than
     * one statement or nothing at all.
     */
    public static String singleStatement(String sql) {
        String s = sql.strip();
        int end = s.length();
        int i = 0;
        boolean seenContent = false;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '-' && i + 1 < s.length() && s.charAt(i + 1) == '-') {
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? s.length() : nl + 1;
            } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
                i = skipBlockComment(s, i);
            } else if (c == '\'' || c == '"') {
                i = skipQuoted(s, i, c);
                seenContent = true;
            } else if (c == '$' && dollarTag(s, i) != null) {
                String tag = dollarTag(s, i);
                int close = s.indexOf(tag, i + tag.length());
                if (close < 0) {
                    throw new IllegalArgumentException("unterminated dollar-quoted string");
                }
                i = close + tag.length();
                seenContent = true;
            } else if (c == ';') {
                if (hasCode(s, i + 1)) {
                    throw new IllegalArgumentException("only one SQL statement is allowed");
                }
                end = i;
                break;
            } else {
                if (!Character.isWhitespace(c)) {
                    seenContent = true;
                }
                i++;
            }
        }
        if (!seenContent) {
            throw new IllegalArgumentException("the SQL text is empty");
        }
        return s.substring(0, end).strip();
    }

    /** The first key word, upper case ({@code SELECT}, {@code WITH}, {@code DELETE}, ...), comments skipped. */
    public static String firstKeyword(String sql) {
        int i = skipSpaceAndComments(sql, 0);
        while (i < sql.length() && sql.charAt(i) == '(') {
            i = skipSpaceAndComments(sql, i + 1);
        }
        int start = i;
        while (i < sql.length() && Character.isLetter(sql.charAt(i))) {
            i++;
        }
        return sql.substring(start, i).toUpperCase(Locale.ROOT);
    }

    private static final java.util.regex.Pattern PREPARE = java.util.regex.Pattern.compile(
            "^\\s*PREPARE\\s+\\S+(\\s*\\([^)]*\\))?\\s+AS\\s+", java.util.regex.Pattern.CASE_INSENSITIVE);

    /**
     * The statement inside {@code PREPARE name [(types)] AS statement}, as pg_stat_statements keeps statements
     * that clients prepared with SQL; any other text as it is.
     */
    public static String withoutPrepare(String sql) {
        java.util.regex.Matcher m = PREPARE.matcher(sql);
        return m.find() ? sql.substring(m.end()) : sql;
    }

    private static boolean hasCode(String s, int from) {
        return skipSpaceAndComments(s, from) < s.length();
    }

    private static int skipSpaceAndComments(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || c == ';') {
                i++;
            } else if (c == '-' && i + 1 < s.length() && s.charAt(i + 1) == '-') {
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? s.length() : nl + 1;
            } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
                i = skipBlockComment(s, i);
            } else {
                break;
            }
        }
        return i;
    }

    /** Block comments nest in PostgreSQL. */
    private static int skipBlockComment(String s, int i) {
        int depth = 0;
        while (i < s.length()) {
            if (s.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (s.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated comment");
    }

    private static int skipQuoted(String s, int i, char quote) {
        i++;
        while (i < s.length()) {
            if (s.charAt(i) == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        throw new IllegalArgumentException("unterminated quoted text");
    }

    /** {@code $tag$} starting at {@code i}, or null when {@code $} starts a parameter like {@code $1}. */
    private static String dollarTag(String s, int i) {
        int j = i + 1;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
            j++;
        }
        if (j < s.length() && s.charAt(j) == '$') {
            String inner = s.substring(i + 1, j);
            if (inner.isEmpty() || !Character.isDigit(inner.charAt(0))) {
                return s.substring(i, j + 1);
            }
        }
        return null;
    }
}

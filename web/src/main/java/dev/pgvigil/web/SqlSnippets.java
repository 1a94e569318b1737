package dev.pgvigil.web;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL statements inside a finding's recommendation, for the dashboard's copy buttons. The rules
 * write prose with statements in it ("Rebuild it: REINDEX INDEX CONCURRENTLY x; or ..."), so a
 * statement here is an upper-case SQL command word up to its ';' (outside quotes) that does not read
 * like prose (three lower-case words in a row, placeholders and literals aside).
 */
final class SqlSnippets {
    private static final Pattern COMMAND = Pattern.compile(
            "(?<![A-Za-z0-9_])(SELECT|VACUUM|ANALYZE|ALTER|CREATE|DROP|REINDEX|EXPLAIN|SET|RESET|CLUSTER|GRANT|REVOKE|"
                    + "CHECKPOINT|TRUNCATE|UPDATE|DELETE|INSERT|WITH|SHOW|CALL|COMMENT|REFRESH)(?=[\\s(;])");
    private static final Pattern PROSE = Pattern.compile("\\b[a-z]+ [a-z]+ [a-z]+\\b");

    private SqlSnippets() {}

    static List<String> extract(String text) {
        List<String> statements = new ArrayList<>();
        if (text == null) {
            return statements;
        }
        Matcher command = COMMAND.matcher(text);
        int from = 0;
        while (from < text.length() && command.find(from)) {
            int end = statementEnd(text, command.start());
            if (end < 0) {
                break;
            }
            String candidate = text.substring(command.start(), end + 1).trim();
            if (readsLikeSql(candidate)) {
                statements.add(candidate);
                from = end + 1;
            } else {
                from = command.end();
            }
        }
        return statements;
    }

    /** Index of the ';' ending the statement that starts at {@code start}, skipping quoted text; -1 if none. */
    private static int statementEnd(String text, int start) {
        char quote = 0;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == ';') {
                return i;
            }
        }
        return -1;
    }

    private static boolean readsLikeSql(String candidate) {
        String bare = candidate.replaceAll("'[^']*'", "''").replaceAll("\"[^\"]*\"", "x").replaceAll("<[^>]*>", "x");
        return !PROSE.matcher(bare).find();
    }
}

package dev.pgvigil.advisor.indexes;

import dev.pgvigil.advisor.indexes.CandidateBuilder.Skipped;
import dev.pgvigil.common.text.Human;
import dev.pgvigil.rules.Finding;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The answer of the index advisor: the indexes to create, with the statements each speeds up and by how
 * much; the candidates left out and why; and whether HypoPG verified the advice.
 */
public record IndexAdvice(boolean verified, String verification, int statementsRead, int statementsUnderstood,
                          List<Suggestion> suggestions, List<Skipped> skipped) {
    public IndexAdvice {
        suggestions = List.copyOf(suggestions);
        skipped = List.copyOf(skipped);
    }

    /**
     * A {@code missing_index} finding of the rules (which decide from a table's scans that it needs an index)
     * with this advice as its recommendation: the indexes to create on {@code qualifiedTable}, or why none
     * would help. The rule's regular-expression guess at the columns is replaced by the parsed statements'.
     */
    public Finding refine(Finding finding, String qualifiedTable) {
        List<Suggestion> mine = suggestions.stream().filter(s -> s.table().equals(qualifiedTable)).toList();
        String recommendation;
        List<String> statements = mine.stream().map(Suggestion::createStatement).toList();
        if (!mine.isEmpty()) {
            recommendation = mine.stream().map(s -> s.createStatement() + (s.verified() && s.expectedGain() != null
                            ? " (HypoPG: planner cost of its statements cut by " + Human.percent(s.expectedGain()) + ")"
                            : " (unverified: check with pgvigil suggest-indexes where HypoPG is installed)"))
                    .collect(Collectors.joining(" "));
        } else {
            List<Skipped> reasons = skipped.stream().filter(s -> s.table().equals(qualifiedTable)).toList();
            if (reasons.isEmpty()) {
                return finding;
            }
            recommendation = "No index would serve the statements that scan it: " + reasons.stream()
                    .map(s -> "(" + String.join(", ", s.columns()) + ") " + s.reason()).collect(Collectors.joining("; "))
                    + ". Check whether the scans are needed at all: pgvigil explain --query-id <queryid> --analyze.";
        }
        return new Finding(finding.kind(), finding.severity(), finding.instance(), finding.object(), finding.detail(), recommendation, statements);
    }

    /**
     * One index to create: the share and number of rows a lookup through it is expected to return, and the
     * time its statements spent. {@code expectedGain} is the share of planner cost the index (with the other
     * suggestions) removes from its statements, weighted by their time; null when unverified.
     */
    public record Suggestion(String table, List<String> columns, String createStatement, boolean verified,
                             double estimatedSelectivity, double estimatedRowsPerLookup, double totalTimeMs, long calls, Double expectedGain,
                             List<StatementGain> statements) {
        public Suggestion {
            columns = List.copyOf(columns);
            statements = List.copyOf(statements);
        }
    }

    /** A statement the index would speed up, with the planner's cost before and after (null when not planned). */
    public record StatementGain(long queryId, String query, long calls, double totalTimeMs, double meanTimeMs,
                                Double costBefore, Double costAfter, String note) {
        /** 0.99 for a cost cut by 99 %. */
        public Double gain() {
            if (costBefore == null || costAfter == null || costBefore <= 0) {
                return null;
            }
            return 1 - costAfter / costBefore;
        }
    }
}

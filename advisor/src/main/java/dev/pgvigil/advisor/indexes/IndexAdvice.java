package dev.pgvigil.advisor.indexes;

import dev.pgvigil.advisor.indexes.CandidateBuilder.Skipped;
import java.util.List;

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
     * One index to create. {@code expectedGain} is the share of planner cost the index (with the other
     * suggestions) removes from its statements, weighted by their time; null when unverified.
     */
    public record Suggestion(String table, List<String> columns, String createStatement, boolean verified,
                             double estimatedSelectivity, double totalTimeMs, long calls, Double expectedGain,
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

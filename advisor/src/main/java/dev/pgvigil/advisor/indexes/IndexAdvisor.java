package dev.pgvigil.advisor.indexes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgvigil.advisor.indexes.IndexAdvice.StatementGain;
import dev.pgvigil.advisor.indexes.IndexAdvice.Suggestion;
import dev.pgvigil.advisor.plan.HypoPg;
import dev.pgvigil.advisor.plan.Planner;
import dev.pgvigil.advisor.plan.Plans;
import dev.pgvigil.advisor.sql.Catalog;
import dev.pgvigil.advisor.sql.StatementParser;
import dev.pgvigil.advisor.sql.StatementShape;
import dev.pgvigil.schema.StatementStat;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Index advice driven by the workload: parse each statement, build candidates from the columns it
 * filters, joins and sorts on ({@link CandidateBuilder}), and, when HypoPG is installed, verify them.
 *
 * <p>Verification creates every candidate as a hypothetical index at once and asks for each statement's
 * generic plan before and after: a join that needs an index on both sides shows its gain only when both
 * exist. A candidate is kept when the planner uses it for at least one statement whose cost it (with the
 * others) cuts by at least half; the rest are reported as skipped.
 */
public final class IndexAdvisor {
    /** The least cost cut that makes a verified index worth creating. */
    public static final double MIN_VERIFIED_GAIN = 0.5;
    /** Statements per candidate that are planned for verification (the most time-consuming ones). */
    private static final int STATEMENTS_PER_CANDIDATE = 5;

    private final Catalog catalog;
    private final Planner planner;
    private final CandidateBuilder.Settings settings;
    private final Consumer<String> progress;

    public IndexAdvisor(Catalog catalog, Planner planner, CandidateBuilder.Settings settings, Consumer<String> progress) {
        this.catalog = catalog;
        this.planner = planner;
        this.settings = settings;
        this.progress = progress;
    }

    /**
     * Advice for {@code statements}; {@code hypoPg} empty means unverified ({@code verification} says why).
     */
    public IndexAdvice advise(List<StatementStat> statements, Optional<HypoPg> hypoPg, String verification) throws SQLException {
        StatementParser parser = new StatementParser(catalog);
        CandidateBuilder builder = new CandidateBuilder(catalog, settings);
        int understood = 0;
        for (StatementStat s : statements) {
            if (s.getQuery() == null) {
                continue;
            }
            Optional<StatementShape> shape = parser.parse(s.getQuery());
            if (shape.isPresent() && !shape.get().tableOids().isEmpty()) {
                understood++;
                builder.add(s, shape.get());
            }
        }
        List<IndexCandidate> candidates = builder.candidates();
        List<CandidateBuilder.Skipped> skipped = new ArrayList<>(builder.skipped());
        progress.accept(statements.size() + " statements read, " + understood + " on user tables, " + candidates.size() + " candidate indexes");
        List<Suggestion> suggestions = new ArrayList<>();
        if (hypoPg.isEmpty() || candidates.isEmpty()) {
            for (IndexCandidate c : candidates) {
                List<StatementGain> gains = c.statements().stream()
                        .map(s -> new StatementGain(s.getQueryId(), s.getQuery(), s.getCalls(), s.getTotalExecTimeMs(),
                                s.getMeanExecTimeMs(), null, null, null))
                        .toList();
                suggestions.add(new Suggestion(c.table().qualifiedName(), c.columns(), c.createStatement(), false,
                        c.estimatedSelectivity(), c.estimatedSelectivity() * c.table().estimatedRows(), c.totalTimeMs(), c.calls(), null, gains));
            }
            return new IndexAdvice(false, verification, statements.size(), understood, suggestions, skipped);
        }
        verify(candidates, hypoPg.get(), suggestions, skipped);
        return new IndexAdvice(true, verification, statements.size(), understood, suggestions, skipped);
    }

    private record Planned(Double cost, Set<String> indexes, String error) {}

    private void verify(List<IndexCandidate> candidates, HypoPg hypo, List<Suggestion> suggestions,
                        List<CandidateBuilder.Skipped> skipped) throws SQLException {
        Map<Long, StatementStat> toPlan = new LinkedHashMap<>();
        for (IndexCandidate c : candidates) {
            c.statements().stream()
                    .sorted((a, b) -> Double.compare(b.getTotalExecTimeMs(), a.getTotalExecTimeMs()))
                    .limit(STATEMENTS_PER_CANDIDATE)
                    .forEach(s -> toPlan.putIfAbsent(s.getQueryId(), s));
        }
        progress.accept("planning " + toPlan.size() + " statements without and with " + candidates.size() + " hypothetical indexes");
        Map<Long, Planned> before = new HashMap<>();
        for (StatementStat s : toPlan.values()) {
            before.put(s.getQueryId(), plan(s.getQuery()));
        }
        Map<String, IndexCandidate> byHypoName = new HashMap<>();
        Map<Long, Planned> after = new HashMap<>();
        try {
            for (IndexCandidate c : candidates) {
                byHypoName.put(hypo.create(c.hypotheticalStatement()), c);
            }
            for (StatementStat s : toPlan.values()) {
                after.put(s.getQueryId(), plan(s.getQuery()));
            }
        } finally {
            hypo.reset();
        }
        Set<IndexCandidate> kept = new HashSet<>();
        Map<IndexCandidate, List<StatementGain>> gains = new HashMap<>();
        for (Map.Entry<String, IndexCandidate> e : byHypoName.entrySet()) {
            IndexCandidate c = e.getValue();
            List<StatementGain> list = new ArrayList<>();
            for (StatementStat s : c.statements()) {
                Planned b = before.get(s.getQueryId());
                Planned a = after.get(s.getQueryId());
                if (b == null || a == null) {
                    continue; // beyond the statements planned for this candidate
                }
                String note = b.error() != null ? "not planned: " + b.error() : a.error() != null ? "not planned: " + a.error() : null;
                boolean used = a.indexes().contains(e.getKey());
                StatementGain g = new StatementGain(s.getQueryId(), s.getQuery(), s.getCalls(), s.getTotalExecTimeMs(),
                        s.getMeanExecTimeMs(), b.cost(), a.cost(), note != null ? note : used ? null : "the planner would not use the index");
                if (used && g.gain() != null && g.gain() >= MIN_VERIFIED_GAIN) {
                    kept.add(c);
                }
                if (used && note == null) {
                    list.add(g);
                }
            }
            gains.put(c, list);
        }
        for (IndexCandidate c : candidates) {
            if (!kept.contains(c)) {
                skipped.add(new CandidateBuilder.Skipped(c.table().qualifiedName(), c.columns(),
                        gains.getOrDefault(c, List.of()).isEmpty()
                                ? "HypoPG: the planner would not use it for any of its statements"
                                : "HypoPG: cuts no statement's cost by half or more"));
                continue;
            }
            List<StatementGain> list = gains.get(c);
            double weight = list.stream().mapToDouble(StatementGain::totalTimeMs).sum();
            double weighted = weight <= 0 ? list.stream().mapToDouble(StatementGain::gain).average().orElse(0)
                    : list.stream().mapToDouble(g -> g.gain() * g.totalTimeMs()).sum() / weight;
            suggestions.add(new Suggestion(c.table().qualifiedName(), c.columns(), c.createStatement(), true,
                    c.estimatedSelectivity(), c.estimatedSelectivity() * c.table().estimatedRows(), c.totalTimeMs(), c.calls(), weighted, list));
        }
    }

    private Planned plan(String query) {
        try {
            JsonNode plan = planner.genericPlan(query);
            return new Planned(Plans.totalCost(plan), Plans.indexNames(plan), null);
        } catch (SQLException | RuntimeException e) {
            return new Planned(null, Set.of(), String.valueOf(e.getMessage()).lines().findFirst().orElse("error"));
        }
    }
}

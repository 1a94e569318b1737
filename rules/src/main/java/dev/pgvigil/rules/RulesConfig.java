package dev.pgvigil.rules;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code analyzer.rules} configuration section (also read by the one-shot commands):
 *
 * <pre>
 * rules:
 *   thresholds:                       # every rule, every key optional (defaults: {@link Rule})
 *     cache_hit_ratio: { warning: 0.9, critical: 0.7, forIntervals: 3, minEvidence: 5000 }
 *     unused_index: { enabled: false }
 *   instances:                        # per-instance overrides on top of thresholds
 *     billing-primary:
 *       connections_used: { warning: 0.9 }
 * </pre>
 */
public record RulesConfig(Map<String, ThresholdSpec> thresholds, Map<String, Map<String, ThresholdSpec>> instances) {
    public RulesConfig {
        thresholds = thresholds == null ? Map.of() : Map.copyOf(thresholds);
        instances = instances == null ? Map.of() : Map.copyOf(instances);
        Map<Rule, ThresholdSpec> global = byRule(thresholds, "thresholds");
        new RuleThresholds(global); // validates level order now, not at the first snapshot
        for (Map.Entry<String, Map<String, ThresholdSpec>> e : instances.entrySet()) {
            try {
                new RuleThresholds(global, byRule(e.getValue(), "instances." + e.getKey()));
            } catch (IllegalArgumentException ex) {
                throw ex.getMessage().startsWith("instances.") ? ex
                        : new IllegalArgumentException("instances." + e.getKey() + "." + ex.getMessage(), ex);
            }
        }
    }

    public static RulesConfig defaults() {
        return new RulesConfig(Map.of(), Map.of());
    }

    /** The thresholds for {@code instanceId}: defaults, then {@code thresholds}, then its own overrides. */
    public RuleThresholds forInstance(String instanceId) {
        Map<String, ThresholdSpec> own = instances.getOrDefault(instanceId, Map.of());
        if (thresholds.isEmpty() && own.isEmpty()) {
            return RuleThresholds.defaults();
        }
        return new RuleThresholds(byRule(thresholds, "thresholds"), byRule(own, "instances." + instanceId));
    }

    private static Map<Rule, ThresholdSpec> byRule(Map<String, ThresholdSpec> specs, String where) {
        if (specs == null) {
            return Map.of();
        }
        Map<Rule, ThresholdSpec> out = new EnumMap<>(Rule.class);
        for (Map.Entry<String, ThresholdSpec> e : specs.entrySet()) {
            try {
                out.put(Rule.fromWireName(e.getKey()), e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(where + ": " + ex.getMessage(), ex);
            }
        }
        return out;
    }

    /** A copy with one more override, for tests and programmatic setups. */
    public RulesConfig withThreshold(Rule rule, ThresholdSpec spec) {
        Map<String, ThresholdSpec> t = new HashMap<>(thresholds);
        t.put(rule.wireName(), spec);
        return new RulesConfig(t, instances);
    }
}

package dev.pgvigil.rules;

import java.util.EnumMap;
import java.util.Map;

/** The thresholds that apply to one instance, every rule resolved. */
public final class RuleThresholds {
    private static final RuleThresholds DEFAULTS = new RuleThresholds(Map.of());

    private final EnumMap<Rule, Threshold> byRule = new EnumMap<>(Rule.class);

    /** Built-in defaults with {@code layers} applied in order (later wins, key by key). */
    @SafeVarargs
    RuleThresholds(Map<Rule, ThresholdSpec>... layers) {
        for (Rule rule : Rule.values()) {
            Threshold t = rule.defaults();
            for (Map<Rule, ThresholdSpec> layer : layers) {
                t = t.with(layer.get(rule));
            }
            t.checkOrder(rule);
            byRule.put(rule, t);
        }
    }

    public static RuleThresholds defaults() {
        return DEFAULTS;
    }

    public Threshold get(Rule rule) {
        return byRule.get(rule);
    }

    @Override
    public String toString() {
        return byRule.toString();
    }
}

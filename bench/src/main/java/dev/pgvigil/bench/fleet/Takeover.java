package dev.pgvigil.bench.fleet;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The failover split in two: when the survivor was given each target it did not hold at the kill (first named in its
 * /metrics, polled once a second) and when it began that target's first cycle (the first committed envelope begun
 * after the kill). The first part is the group's detection and rebalance; the second the survivor's queue plus, for
 * a target not yet due, the wait until one interval after its last cycle.
 */
final class Takeover {
    private final long killAt;
    private final Set<String> heldAtKill;
    private final Map<String, Long> assignedAt = new HashMap<>();

    Takeover(long killAt, Set<String> heldAtKill) {
        this.killAt = killAt;
        this.heldAtKill = Set.copyOf(heldAtKill);
    }

    void observe(Set<String> held, long now) {
        for (String id : held) {
            if (!heldAtKill.contains(id)) {
                assignedAt.putIfAbsent(id, now);
            }
        }
    }

    Map<String, Object> report(Map<String, List<EnvelopeLedger.Envelope>> byTarget, String slowest) {
        Map<String, Long> firstCycleAt = new HashMap<>();
        assignedAt.keySet().forEach(id -> firstBegunAfterKill(byTarget.get(id)).ifPresent(t -> firstCycleAt.put(id, t)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("targetsAssigned", assignedAt.size());
        out.put("assignedAfterKillS", seconds(assignedAt.values().stream().mapToLong(t -> t - killAt).sorted().toArray()));
        out.put("firstCycleAfterAssignedS", seconds(firstCycleAt.entrySet().stream()
                .mapToLong(e -> e.getValue() - assignedAt.get(e.getKey())).sorted().toArray()));
        if (firstCycleAt.containsKey(slowest)) {
            out.put("slowestTarget", slowest);
            out.put("slowestAssignedAfterKillS", (assignedAt.get(slowest) - killAt) / 1e3);
            out.put("slowestFirstCycleAfterAssignedS", (firstCycleAt.get(slowest) - assignedAt.get(slowest)) / 1e3);
        }
        return out;
    }

    /** When the target's first cycle after the kill began, if it has one. */
    private OptionalLong firstBegunAfterKill(List<EnvelopeLedger.Envelope> envelopes) {
        return envelopes == null ? OptionalLong.empty()
                : envelopes.stream().mapToLong(EnvelopeLedger.Envelope::collectedAt).filter(t -> t >= killAt).min();
    }

    private static Map<String, Object> seconds(long[] sortedMs) {
        if (sortedMs.length == 0) {
            return Map.of();
        }
        return Map.of("p50", sortedMs[sortedMs.length / 2] / 1e3, "max", sortedMs[sortedMs.length - 1] / 1e3);
    }
}

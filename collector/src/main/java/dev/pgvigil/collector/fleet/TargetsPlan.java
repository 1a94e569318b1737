package dev.pgvigil.collector.fleet;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.schema.Target;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What it takes to bring pgvigil.targets to a list of targets: records to add, to replace, and ids to
 * remove (only when the list is the whole fleet). Built before anything is written, so a bad target or a
 * duplicate id fails the whole plan and changes nothing.
 */
public record TargetsPlan(List<Target> additions, List<Target> changes, List<String> removals, int unchanged) {
    public TargetsPlan {
        additions = List.copyOf(additions);
        changes = List.copyOf(changes);
        removals = List.copyOf(removals);
    }

    /**
     * @param current the topic now, by id
     * @param desired the targets wanted (their ids unique)
     * @param removeOthers whether ids on the topic but not in {@code desired} are removed
     */
    public static TargetsPlan of(Map<String, Target> current, List<TargetConfig> desired, boolean removeOthers) {
        List<Target> additions = new ArrayList<>();
        List<Target> changes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int unchanged = 0;
        for (TargetConfig t : desired) {
            if (!seen.add(t.id())) {
                throw new IllegalArgumentException("duplicate target id '" + t.id() + "'");
            }
            Target record = TargetRecords.toRecord(t);
            Target now = current.get(t.id());
            if (now == null) {
                additions.add(record);
            } else if (!now.equals(record)) {
                changes.add(record);
            } else {
                unchanged++;
            }
        }
        List<String> removals = removeOthers
                ? current.keySet().stream().filter(id -> !seen.contains(id)).sorted().toList()
                : List.of();
        return new TargetsPlan(additions, changes, removals, unchanged);
    }

    public static TargetsPlan removal(String id) {
        return new TargetsPlan(List.of(), List.of(), List.of(id), 0);
    }

    /**
     * Adds one new target: what {@code pgvigil targets add} and {@code POST /api/targets} do. Refused (nothing
     * written) when it holds a password or its id is on the topic already.
     *
     * @param topic reads the topic now; not called when the target holds a password (refused before Kafka is asked anything)
     */
    public static TargetsPlan adding(TargetConfig target, Supplier<Map<String, Target>> topic) {
        TargetRecords.toRecord(target);
        Map<String, Target> current = topic.get();
        if (current.containsKey(target.id())) {
            throw new IllegalArgumentException("target '" + target.id() + "' is already on the topic: remove it first, or change it with 'targets apply'");
        }
        return of(current, List.of(target), false);
    }

    /** Removes targets that are on the topic: what {@code pgvigil targets remove} and {@code DELETE /api/targets/{id}} do. */
    public static TargetsPlan removing(Map<String, Target> current, List<String> ids) {
        List<String> unknown = ids.stream().filter(id -> !current.containsKey(id)).toList();
        if (!unknown.isEmpty()) {
            throw new UnknownTargetException("no such target on the topic: " + String.join(", ", unknown));
        }
        return new TargetsPlan(List.of(), List.of(), ids.stream().distinct().toList(), 0);
    }

    /** A change names a target that is not on the topic. */
    public static final class UnknownTargetException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnknownTargetException(String message) {
            super(message);
        }
    }

    public List<Target> upserts() {
        List<Target> all = new ArrayList<>(additions);
        all.addAll(changes);
        return all;
    }

    public boolean isEmpty() {
        return additions.isEmpty() && changes.isEmpty() && removals.isEmpty();
    }

    /** One line per change ({@code + id url}, {@code ~ id url}, {@code - id}), then a count. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        additions.forEach(t -> lines.add("+ " + t.getId() + "  " + TargetRecords.fromRecord(t).parsedUrl().redacted()));
        changes.forEach(t -> lines.add("~ " + t.getId() + "  " + TargetRecords.fromRecord(t).parsedUrl().redacted()));
        removals.forEach(id -> lines.add("- " + id));
        lines.add(additions.size() + " to add, " + changes.size() + " to change, " + removals.size() + " to remove, " + unchanged + " unchanged");
        return lines;
    }
}

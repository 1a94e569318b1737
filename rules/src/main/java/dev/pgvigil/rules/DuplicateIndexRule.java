package dev.pgvigil.rules;

import dev.pgvigil.common.text.Human;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An index whose key columns are a leading prefix of another index on the same table, with the same
 * predicate and access method, is redundant: the longer one serves its queries. A unique index (or one
 * backing a constraint) is never the one to drop in favour of a non-unique one; two identical indexes
 * are reported once, keeping the one that enforces something (or else the first by name).
 */
public final class DuplicateIndexRule {
    private DuplicateIndexRule() {}

    /** Findings for the indexes of any number of tables. */
    public static List<Finding> evaluate(String instance, List<IndexInfo> indexes) {
        Map<String, List<IndexInfo>> byTable = new LinkedHashMap<>();
        for (IndexInfo i : indexes) {
            byTable.computeIfAbsent(i.schema() + "\0" + i.table(), k -> new ArrayList<>()).add(i);
        }
        List<Finding> out = new ArrayList<>();
        for (List<IndexInfo> table : byTable.values()) {
            List<IndexInfo> sorted = table.stream().sorted(Comparator.comparing(IndexInfo::name)).toList();
            for (IndexInfo redundant : sorted) {
                sorted.stream().filter(covering -> covers(covering, redundant)).findFirst()
                        .ifPresent(covering -> out.add(finding(instance, redundant, covering)));
            }
        }
        return out;
    }

    /** True when {@code redundant} can be dropped because {@code covering} serves its queries. */
    public static boolean covers(IndexInfo covering, IndexInfo redundant) {
        if (covering == redundant || covering.name().equals(redundant.name())
                || !covering.valid() || !redundant.valid()
                || !Objects.equals(covering.accessMethod(), redundant.accessMethod())
                || !Objects.equals(normalize(covering.predicate()), normalize(redundant.predicate()))) {
            return false;
        }
        if (redundant.primary() || redundant.backsConstraint()) {
            return false; // dropping it would need dropping the constraint
        }
        List<String> short_ = redundant.columns();
        List<String> long_ = covering.columns();
        boolean identical = short_.equals(long_);
        // only a btree serves lookups on a leading prefix of its key
        boolean prefix = "btree".equals(covering.accessMethod()) && long_.size() > short_.size() && long_.subList(0, short_.size()).equals(short_);
        if (!identical && !prefix) {
            return false;
        }
        if (redundant.unique()) {
            // a unique index only goes in favour of an identical one that is unique too
            if (!(identical && covering.unique())) {
                return false;
            }
        }
        if (identical) {
            // of two identical indexes report one: keep the one that enforces something, else the first by name
            int keep = Boolean.compare(enforces(covering), enforces(redundant));
            return keep > 0 || (keep == 0 && covering.name().compareTo(redundant.name()) < 0);
        }
        return true;
    }

    private static boolean enforces(IndexInfo i) {
        return i.primary() || i.backsConstraint() || i.unique();
    }

    private static String normalize(String predicate) {
        return predicate == null ? null : predicate.replaceAll("\\s+", " ").strip();
    }

    private static Finding finding(String instance, IndexInfo redundant, IndexInfo covering) {
        String detail = "Index " + redundant.object() + " (" + String.join(", ", redundant.columns()) + "; " + Human.bytes(redundant.sizeBytes())
                + ") on " + redundant.schema() + "." + redundant.table() + " is covered by " + covering.object() + " ("
                + String.join(", ", covering.columns()) + ")" + (redundant.predicate() == null ? "" : ", both WHERE " + redundant.predicate()) + ".";
        String drop = "DROP INDEX CONCURRENTLY " + redundant.qualifiedName() + ";";
        return new Finding(FindingKind.DUPLICATE_INDEX, Severity.WARNING, instance, redundant.object(), detail, drop, List.of(drop));
    }
}

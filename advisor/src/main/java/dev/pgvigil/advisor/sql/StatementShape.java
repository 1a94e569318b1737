package dev.pgvigil.advisor.sql;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a statement does with the tables it reads, as far as an index could help: per query block and
 * table, the columns compared for equality, for a range, joined to another table, and sorted on; and
 * what each {@code $n} parameter is compared with, so a representative value can stand in for it.
 */
public record StatementShape(Kind kind, Set<Long> tableOids, List<TableAccess> accesses, Map<Integer, ParameterUse> parameters) {
    public StatementShape {
        tableOids = Set.copyOf(tableOids);
        accesses = List.copyOf(accesses);
        parameters = Map.copyOf(parameters);
    }

    public enum Kind { SELECT, INSERT, UPDATE, DELETE, MERGE, OTHER;

        public boolean modifiesData() {
            return this == INSERT || this == UPDATE || this == DELETE || this == MERGE;
        }
    }

    /**
     * One table in one query block. {@code boundedRanges} are range columns with both a lower and an upper
     * bound ({@code BETWEEN}, or {@code >} and {@code <}), which select far fewer rows than one-sided ones.
     * {@code ordered} columns are listed only when the block's whole ORDER BY is on this table;
     * {@code limited} when the block has a LIMIT, so an index in sort order can stop early.
     */
    public record TableAccess(TableInfo table, List<String> equality, List<String> range, Set<String> boundedRanges,
                              List<String> join, List<String> order, boolean limited) {
        public TableAccess {
            equality = List.copyOf(equality);
            range = List.copyOf(range);
            boundedRanges = Set.copyOf(boundedRanges);
            join = List.copyOf(join);
            order = List.copyOf(order);
        }
    }

    /** How a parameter is used: compared for equality, as a lower or upper bound, an array for {@code = ANY}, a LIMIT or OFFSET. */
    public enum Role { EQUALS, LOWER_BOUND, UPPER_BOUND, ARRAY, LIMIT, OFFSET }

    /** A parameter and the column it is compared with ({@code table} and {@code column} null for LIMIT/OFFSET). */
    public record ParameterUse(int index, TableInfo table, String column, Role role) {}
}

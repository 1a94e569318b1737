package dev.pgvigil.advisor.sql;

import dev.pgvigil.catalogue.ask.PartitionedIndex;
import dev.pgvigil.schema.IndexStat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An existing index: its key columns in order, as stored ({@code null} for an expression), access method and the
 * flags that decide whether it can serve a plain lookup.
 */
public record IndexInfo(long oid, long tableOid, String name, List<String> columns, String accessMethod,
                        boolean valid, boolean unique, boolean partial) {
    /** What quote_ident gives for a column name: bare (lower case, digits, _ and $) or in double quotes. */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_$]*|\"(?:[^\"]|\"\")+\"");

    public IndexInfo {
        columns = Collections.unmodifiableList(new ArrayList<>(columns)); // List.copyOf would refuse the nulls
    }

    /** An index as the catalogue's reader gives it. */
    public static IndexInfo of(IndexStat i) {
        return new IndexInfo(i.getIndexRelid(), i.getRelid(), i.getIndexName(), keyColumns(i.getColumns()), i.getAccessMethod(),
                i.getIsValid(), i.getIsUnique(), i.getPredicate() != null);
    }

    /** A partitioned table's index, with the key columns of {@code leaf}, an index it cascades to (null: none yet). */
    public static IndexInfo of(PartitionedIndex p, IndexStat leaf) {
        return new IndexInfo(p.oid(), p.tableOid(), p.name(), leaf == null ? List.of() : keyColumns(leaf.getColumns()), p.accessMethod(),
                p.valid(), p.unique(), p.partial());
    }

    /**
     * The reader's key columns (quote_ident'ed names, expressions as text) as the advisor compares them with
     * the column names of parsed statements: names as stored, null for an expression. An expression's text is
     * never a bare identifier (a call has parentheses, an operator expression is parenthesized). One exception:
     * for an index whose table is under an ACCESS EXCLUSIVE lock the reader names an expression by the index's
     * own attribute ({@code lower}, {@code expr}), which would then only match a column of that very name.
     */
    static List<String> keyColumns(List<String> quoted) {
        List<String> out = new ArrayList<>();
        for (String c : quoted) {
            out.add(IDENTIFIER.matcher(c).matches() ? Catalog.fold(c) : null);
        }
        return out;
    }

    /** A valid, non-partial btree: the kind that serves any equality, range or order on its leading columns. */
    public boolean servesPlainLookups() {
        return valid && !partial && "btree".equals(accessMethod);
    }
}

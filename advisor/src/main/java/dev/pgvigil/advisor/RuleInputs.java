package dev.pgvigil.advisor;

import dev.pgvigil.rules.IndexInfo;
import dev.pgvigil.rules.TableInfo;
import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.TableStat;

/** The collector's rows as the rule functions take them. */
public final class RuleInputs {
    private RuleInputs() {}

    public static TableInfo table(TableStat t) {
        return new TableInfo(t.getSchemaName(), t.getTableName(), t.getNLiveTup(), t.getNDeadTup(), t.getHeapSizeBytes(),
                t.getLastVacuum(), t.getLastAutovacuum(), t.getReloptions());
    }

    public static IndexInfo index(IndexStat i) {
        return new IndexInfo(i.getSchemaName(), i.getTableName(), i.getIndexName(), i.getColumns(), i.getAccessMethod(), i.getPredicate(),
                i.getIsUnique(), i.getIsPrimary(), i.getIsValid(), i.getBacksConstraint(), i.getSizeBytes(), i.getIdxScan(), i.getDefinition());
    }

    /** {@code schema.table} as findings name objects. */
    public static String object(TableStat t) {
        return t.getSchemaName() + "." + t.getTableName();
    }
}

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

    public static dev.pgvigil.rules.Session session(dev.pgvigil.schema.SessionInfo s) {
        return new dev.pgvigil.rules.Session(s.getPid(), s.getDatname(), s.getUsename(), s.getApplicationName(), s.getState(),
                s.getWaitEventType(), s.getXactAgeSeconds(), s.getQueryAgeSeconds(), s.getStateAgeSeconds(), s.getBlockedBy(), s.getQuery());
    }

    /** {@code schema.table} as findings name objects. */
    public static String object(TableStat t) {
        return t.getSchemaName() + "." + t.getTableName();
    }
}

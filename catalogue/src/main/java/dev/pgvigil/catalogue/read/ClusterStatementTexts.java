package dev.pgvigil.catalogue.read;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The statement texts of one cluster, shared by the readers of its databases (one target per database,
 * as fleets are usually watched). A text fetch makes the server read its whole query-text file, which holds
 * every database's texts, so the first reader that misses texts fetches them all, and the other
 * databases' readers find theirs here instead of each reading the file again. A collector that takes over
 * a few hundred databases of a cluster after a failover reads the file once, not a few hundred times.
 *
 * <p>Only used where evictions can be seen ({@code pg_stat_statements_info}, PostgreSQL 14+): the texts
 * are dropped when its mark (dealloc and stats_reset) moves, as a reader's own are. Readers share one only
 * when they connect to the same server as the same role, so that a text is never handed to a reader whose
 * role could not have read it.
 */
public final class ClusterStatementTexts {
    /** Reads the texts of every statement the server holds. */
    @FunctionalInterface
    interface FetchAll {
        Map<StatementTexts.Key, String> fetch() throws SQLException;
    }

    private final Map<StatementTexts.Key, String> texts = new HashMap<>();
    private String infoMark;
    private boolean filled;
    private int fetches;

    /**
     * The texts of {@code keys} known for the cluster at {@code infoMark}, fetching every text first if
     * none was fetched at that mark. The fetch holds the lock, so readers that miss texts together wait
     * for one read of the file instead of each making their own.
     */
    synchronized Map<StatementTexts.Key, String> texts(Set<StatementTexts.Key> keys, String infoMark, FetchAll all)
            throws SQLException {
        at(infoMark);
        if (!filled) {
            texts.putAll(all.fetch());
            filled = true;
            fetches++;
        }
        Map<StatementTexts.Key, String> found = new HashMap<>();
        for (StatementTexts.Key k : keys) {
            String text = texts.get(k);
            if (text != null) {
                found.put(k, text);
            }
        }
        return found;
    }

    /** Texts a reader fetched itself (statements that appeared after the cluster's fetch), for the others. */
    synchronized void add(Map<StatementTexts.Key, String> fetched, String infoMark) {
        at(infoMark);
        texts.putAll(fetched);
    }

    private void at(String mark) {
        if (!mark.equals(infoMark)) {
            texts.clear();
            filled = false;
            infoMark = mark;
        }
    }

    /** How many times every text of the cluster was fetched: for tests. */
    public synchronized int fetches() {
        return fetches;
    }
}

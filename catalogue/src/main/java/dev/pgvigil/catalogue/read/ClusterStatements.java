package dev.pgvigil.catalogue.read;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the readers of one cluster's databases share of pg_stat_statements (one target per database, as fleets
 * are usually watched). The view is cluster-wide: every read of it makes the server build a row for every
 * statement of every database, and a text fetch makes it read its whole query-text file.
 * <ul>
 *   <li><b>Counters.</b> When more than one reader shares this, a read of every database's rows serves the
 *   others that start their cycle within {@link #SHARE_WITHIN} of it: a cluster of 20 databases is read once a
 *   cycle, not 20 times. Each reader keeps its own database's rows, and its snapshot's statements carry the time
 *   they were read, so every interval's rates stay exact.</li>
 *   <li><b>Texts.</b> The first reader that misses texts fetches them all, and the other databases' readers find
 *   theirs here instead of each reading the file again. A collector that takes over a few hundred databases of a
 *   cluster after a failover reads the file once, not a few hundred times. Only used where evictions can be seen
 *   ({@code pg_stat_statements_info}, PostgreSQL 14+): the texts are dropped when its mark (dealloc and
 *   stats_reset) moves, as a reader's own are.</li>
 * </ul>
 * Readers share one only when they connect to the same server as the same role, so that no row or text is ever
 * handed to a reader whose role could not have read it.
 */
public final class ClusterStatements {
    /**
     * How old another reader's counters may be and still serve: longer than the spread of one cluster's targets
     * over a cycle (under a second), far shorter than any interval (at least 1 s apart and usually 10 s).
     */
    public static final Duration SHARE_WITHIN = Duration.ofSeconds(2);

    /** Reads the texts of every statement the server holds. */
    @FunctionalInterface
    interface FetchAll {
        Map<StatementTexts.Key, String> fetch() throws SQLException;
    }

    /** Reads the counters of every database's statements. */
    @FunctionalInterface
    interface ReadAll {
        StatementsReader.Counters read() throws SQLException;
    }

    private final Map<StatementTexts.Key, String> texts = new HashMap<>();
    private String infoMark;
    private boolean filled;
    private int fetches;

    /** Guards the counters apart from the texts: a reader never holds both. */
    private final Object countersLock = new Object();
    private StatementsReader.Counters lastCounters;
    private int counterReads;
    private int readers;

    /** A reader starts sharing this; counters are shared once there are two. */
    public synchronized void join() {
        readers++;
    }

    /** A reader stops sharing this. */
    public synchronized void leave() {
        readers--;
    }

    /** Whether any reader shares this: when none, it can be let go. */
    public synchronized boolean inUse() {
        return readers > 0;
    }

    synchronized boolean sharesCounters() {
        return readers > 1;
    }

    /**
     * Every database's counters, read after {@code after} and less than {@link #SHARE_WITHIN} ago by one of the
     * cluster's readers (the same view of the extension), or read now with {@code read}. The read holds the lock,
     * so readers that come together wait for one read instead of each making their own.
     *
     * @param after the read this reader used last (or null): a reader never gets the same read twice
     */
    StatementsReader.Counters counters(StatementsView view, Instant after, ReadAll read) throws SQLException {
        synchronized (countersLock) {
            StatementsReader.Counters last = lastCounters;
            boolean fresh = last != null && last.view().equals(view) && (after == null || last.readAt().isAfter(after))
                    && System.nanoTime() - last.readNanos() < SHARE_WITHIN.toNanos();
            if (!fresh) {
                lastCounters = read.read();
                counterReads++;
            }
            return lastCounters;
        }
    }

    /** How many times every database's counters were read: for tests. */
    public int counterReads() {
        synchronized (countersLock) {
            return counterReads;
        }
    }

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

package dev.pgvigil.catalogue.read;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Statement texts read on one connection, so that the counters can be read with
 * {@code pg_stat_statements(showtext => false)}: with texts, the server reads its whole query-text file
 * (up to pg_stat_statements.max texts) on every call, which is most of the read's server time on a busy
 * database. A text is fetched once per statement key, as pganalyze does.
 *
 * <p>The texts are dropped when {@code pg_stat_statements_info.dealloc} moves (entries were evicted, and
 * a key that comes back may be another statement's text, as the queryid is a hash) or its
 * {@code stats_reset} changes, on a new connection and after a failed read. Without pg_stat_statements_info
 * (before PostgreSQL 14) evictions cannot be seen, so they are also dropped every so many reads as a safety
 * net ({@link #refresh}). With it, they are not: a text fetch reads the server's whole text file, which in a
 * cluster of many databases holds every database's texts, pgvigil's own included, and costs more than the
 * rest of the target's read.
 */
public final class StatementTexts {
    /** A pg_stat_statements row: its statement's key, and whether it counts top-level runs (always before 1.9). */
    record Key(long queryId, long userId, long dbId, boolean toplevel) {}

    private Map<Key, String> texts = new HashMap<>();
    private String infoMark;
    private int textReads;

    /** The text of each key known here; a key without one is absent. */
    Map<Key, String> texts() {
        return texts;
    }

    /**
     * Keeps the texts only while {@code infoMark} (dealloc and stats_reset, or null without
     * pg_stat_statements_info) stays what it was at the last read.
     */
    void checkInfo(String infoMark) {
        if (this.infoMark != null && !this.infoMark.equals(infoMark)) {
            texts = new HashMap<>();
        }
        this.infoMark = infoMark;
    }

    /** The texts of this read's keys: those of keys no longer present are forgotten. */
    void keep(Set<Key> present, Map<Key, String> fetched) {
        Map<Key, String> next = new HashMap<>(present.size() * 2);
        for (Key k : present) {
            String text = fetched.containsKey(k) ? fetched.get(k) : texts.get(k);
            if (text != null) {
                next.put(k, text);
            }
        }
        texts = next;
    }

    /** This reader read the server's text file itself (not the texts its cluster shares). */
    void fetchedOnce() {
        textReads++;
    }

    /** The periodic safety net: drops the texts only where evictions cannot be seen. */
    void refresh() {
        if (infoMark == null) {
            clear();
        }
    }

    public void clear() {
        texts = new HashMap<>();
        infoMark = null;
    }

    /** How many reads fetched texts from the server for this reader alone: for tests and the benchmark. */
    public int textReads() {
        return textReads;
    }
}

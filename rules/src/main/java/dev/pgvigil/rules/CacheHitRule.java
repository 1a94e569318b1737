package dev.pgvigil.rules;

import dev.pgvigil.common.text.Human;
import java.util.List;
import java.util.Optional;

/**
 * Cache hit ratio of one interval: hit / (hit + read) of the block deltas. A month's average hides
 * today's problem, so callers pass interval deltas; a handful of block reads is not evidence.
 */
public final class CacheHitRule {
    private CacheHitRule() {}

    /** hit / (hit + read): the value this rule judges; NaN when no block was read at all. */
    public static double ratio(long hitBlocks, long readBlocks) {
        long total = hitBlocks + readBlocks;
        return total == 0 ? Double.NaN : (double) hitBlocks / total;
    }

    public static Decision evaluate(long hitBlocks, long readBlocks, Threshold t, String subject) {
        long total = hitBlocks + readBlocks;
        double ratio = ratio(hitBlocks, readBlocks);
        if (total == 0 || total < t.minEvidence()) {
            return Decision.noEvidence(Rule.CACHE_HIT_RATIO, t, ratio, subject,
                    Human.count(total) + " block reads, need " + Human.count((long) t.minEvidence()));
        }
        return Decision.judge(Rule.CACHE_HIT_RATIO, t, ratio, subject);
    }

    public static Optional<Finding> finding(String instance, String database, Decision d) {
        if (!d.firing()) {
            return Optional.empty();
        }
        String readers = "SELECT queryid, calls, shared_blks_read, query FROM pg_stat_statements ORDER BY shared_blks_read DESC LIMIT 10;";
        String memory = "ALTER SYSTEM SET shared_buffers = '...';";
        return Optional.of(new Finding(FindingKind.LOW_CACHE_HIT, d.severity(), instance, database, d.message(),
                "Find the statements reading the most blocks from disk: " + readers + " then add the indexes they need, "
                        + "or give PostgreSQL more memory (" + memory + " needs a restart).", List.of(readers, memory)));
    }
}

package dev.pgvigil.collector;

import java.util.Comparator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The order the collector's workers take their work in: the cycles of targets already being collected, and small
 * chores, before first cycles; each kind in the order it came. A collector handed many targets at once (its start,
 * a takeover, {@code pgvigil targets apply}) makes as many first reads, each a connection, cold caches and a full
 * snapshot; in arrival order they would hold back the targets it already collects, whose next cycles would queue
 * behind them and miss their intervals. The price, under overload only: a collector whose own cycles keep every
 * worker busy starts no new target, and its overruns say so.
 */
final class WorkOrder {
    private static final Comparator<Runnable> ORDER =
            Comparator.comparing((Runnable r) -> ((Ticket) r).first()).thenComparingLong(r -> ((Ticket) r).arrival());

    private final AtomicLong arrivals = new AtomicLong();

    /** The queue for the workers' pool; it holds only what {@link #first} and {@link #steady} made. */
    static BlockingQueue<Runnable> queue() {
        return new PriorityBlockingQueue<>(64, ORDER);
    }

    /** A target's first cycle on this collector: after everything else queued. */
    Runnable first(Runnable work) {
        return new Ticket(true, arrivals.incrementAndGet(), work);
    }

    /** A cycle of a target already collected here, or a chore. */
    Runnable steady(Runnable work) {
        return new Ticket(false, arrivals.incrementAndGet(), work);
    }

    private record Ticket(boolean first, long arrival, Runnable work) implements Runnable {
        @Override
        public void run() {
            work.run();
        }
    }
}

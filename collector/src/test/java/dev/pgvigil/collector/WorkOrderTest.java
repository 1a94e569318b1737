package dev.pgvigil.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Queued first cycles wait for the cycles of targets already collected, whenever those came. */
class WorkOrderTest {

    @Test
    void aPoolTakesSteadyCyclesBeforeFirstOnesEachInTheOrderTheyCame() throws InterruptedException {
        WorkOrder order = new WorkOrder();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, WorkOrder.queue());
        try {
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            pool.execute(order.steady(() -> {
                busy.countDown();
                await(release);
            }));
            assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
            List<String> ran = new CopyOnWriteArrayList<>();
            // a collector handed new targets while its own are due: first reads queued, then its targets' cycles
            for (String work : List.of("first-a", "first-b", "steady-1", "first-c", "steady-2")) {
                Runnable run = () -> ran.add(work);
                pool.execute(work.startsWith("first") ? order.first(run) : order.steady(run));
            }
            release.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ran).containsExactly("steady-1", "steady-2", "first-a", "first-b", "first-c");
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

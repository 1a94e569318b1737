package dev.pgvigil.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A fleet's places in the interval are spread evenly, and a target's periodic ticks begin at its place (a
 * function of its id alone, so the same on every collector), not too soon after its first cycle.
 */
class CyclePhaseTest {
    private static final long MINUTE = 60_000;

    @Test
    void aThousandTargetsNamedAlikeSpreadOverTheInterval() {
        int[] perSecond = new int[60];
        IntStream.rangeClosed(1, 1000).forEach(i -> perSecond[(int) (CyclePhase.of("c4-" + i, MINUTE) / 1000)]++);
        // 16.7 a second on average; ids one character apart must not crowd into a few seconds
        assertThat(IntStream.of(perSecond).max().orElseThrow()).isLessThanOrEqualTo(35);
        assertThat(IntStream.of(perSecond).min().orElseThrow()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void aNewTargetsFirstCycleComesWithinASecondAndWithinItsInterval() {
        assertThat(CyclePhase.firstIn("orders-eu", MINUTE)).isBetween(0L, 999L);
        assertThat(CyclePhase.firstIn("orders-eu", 500)).isBetween(0L, 499L);
    }

    @Test
    void periodicTicksBeginAtTheTargetsPlaceAtLeastHalfAnIntervalAfterItsFirstCycle() {
        for (String id : new String[] {"a", "orders-eu", "c1-17"}) {
            for (long firstBegan : new long[] {1_765_000_000_123L, 1_765_000_000_823L, 1_765_000_025_123L, 1_765_000_060_122L}) {
                long start = CyclePhase.periodicStartIn(id, MINUTE, firstBegan);
                assertThat(start).as("%s after its first at %d", id, firstBegan).isBetween(MINUTE / 2, MINUTE * 3 / 2 - 1);
                assertThat(Math.floorMod(firstBegan + start, MINUTE)).as("on %s's place", id).isEqualTo(CyclePhase.of(id, MINUTE));
            }
        }
    }
}

package dev.pgvigil.bench.fleet;

import java.util.List;
import java.util.Map;

/**
 * Did every target have one committed envelope per interval, from the envelopes' start times? Between two
 * consecutive envelopes of a target, a distance over 1.5 intervals is {@code round(d / interval) - 1} missed intervals
 * (gaps) and one under half an interval is a double collection. The distance from a target's last envelope before
 * the window to its first in it counts, and so does the distance from its last one to the window's end. Pairs that
 * span the kill are counted apart: their gap is the failover's. Of the doubles, those whose two envelopes came from
 * different collectors (a takeover that did not wait for the interval its target's previous owner had begun), and
 * those whose second envelope began after the kill (the survivor's backlog), are also counted apart.
 */
record Coverage(long envelopes, long gapsSteady, long gapsAroundKill, long doubles, long doublesAcrossCollectors, long doublesAfterKill,
                long maxGapMs, String maxGapTarget,
                long maxGapAroundKillMs, String maxGapAroundKillTarget, long movedTargets, long failed, long targetsWithout) {

    static Coverage count(Map<String, List<EnvelopeLedger.Envelope>> byTarget, List<String> targets, long fromMs, long toMs,
                          long killMs, long intervalMs) {
        long envelopes = 0;
        long steady = 0;
        long aroundKill = 0;
        long doubles = 0;
        long doublesAcross = 0;
        long doublesAfterKill = 0;
        long maxGap = 0;
        String maxGapTarget = "-";
        long maxKillGap = 0;
        String maxKillTarget = "-";
        long moved = 0;
        long failed = 0;
        long without = 0;
        for (String target : targets) {
            List<EnvelopeLedger.Envelope> all = byTarget.getOrDefault(target, List.of());
            Long previous = null;
            String previousCollector = null;
            String ownerBefore = null;
            String ownerAfter = null;
            boolean any = false;
            for (EnvelopeLedger.Envelope e : all) {
                if (e.collectedAt() < fromMs) {
                    previous = e.collectedAt();
                    previousCollector = e.collector();
                    continue;
                }
                if (e.collectedAt() >= toMs) {
                    break;
                }
                any = true;
                envelopes++;
                if (!e.status().equals("OK")) {
                    failed++;
                }
                if (e.collectedAt() < killMs) {
                    ownerBefore = e.collector();
                } else if (ownerAfter == null) {
                    ownerAfter = e.collector();
                }
                if (previous != null) {
                    long d = e.collectedAt() - previous;
                    boolean spansKill = previous < killMs && e.collectedAt() >= killMs;
                    if (d < intervalMs / 2) {
                        doubles++;
                        if (!e.collector().equals(previousCollector)) {
                            doublesAcross++;
                        }
                        if (e.collectedAt() >= killMs) {
                            doublesAfterKill++;
                        }
                    }
                    long missed = missed(d, intervalMs);
                    if (spansKill) {
                        aroundKill += missed;
                        if (d > maxKillGap) {
                            maxKillGap = d;
                            maxKillTarget = target;
                        }
                    } else {
                        steady += missed;
                    }
                    if (d > maxGap) {
                        maxGap = d;
                        maxGapTarget = target;
                    }
                }
                previous = e.collectedAt();
                previousCollector = e.collector();
            }
            if (!any) {
                without++;
            }
            if (previous != null) {
                long tail = toMs - previous; // nothing since: the end of the window is as good as the next envelope's start
                if (tail > intervalMs * 3 / 2) {
                    if (previous < killMs) {
                        aroundKill += missed(tail, intervalMs);
                    } else {
                        steady += missed(tail, intervalMs);
                    }
                    if (tail > maxGap) {
                        maxGap = tail;
                        maxGapTarget = target;
                    }
                }
            }
            if (ownerBefore != null && ownerAfter != null && !ownerBefore.equals(ownerAfter)) {
                moved++;
            }
        }
        return new Coverage(envelopes, steady, aroundKill, doubles, doublesAcross, doublesAfterKill, maxGap, maxGapTarget, maxKillGap, maxKillTarget, moved, failed, without);
    }

    private static long missed(long distanceMs, long intervalMs) {
        return distanceMs > intervalMs * 3 / 2 ? Math.round((double) distanceMs / intervalMs) - 1 : 0;
    }
}

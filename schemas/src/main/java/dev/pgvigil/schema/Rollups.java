package dev.pgvigil.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@link Rollup} as what it carries: one rollup per series, whether the record is a single
 * series (its top-level labels and numbers; every record before 0.3) or a block of a metric's series.
 */
public final class Rollups {
    private Rollups() {}

    /** One single-series Rollup per series of the record (the record itself when it is one). */
    public static List<Rollup> series(Rollup r) {
        if (r.getSeries().isEmpty()) {
            return List.of(r);
        }
        List<Rollup> out = new ArrayList<>(r.getSeries().size());
        for (RollupSeries s : r.getSeries()) {
            out.add(new Rollup(r.getInstanceId(), r.getName(), s.getLabels(), r.getWindow(), r.getWindowStart(), r.getWindowEnd(),
                    s.getCount(), s.getMin(), s.getMax(), s.getSum(), s.getAvg(), s.getLast(), List.of()));
        }
        return out;
    }
}

package dev.pgvigil.advisor.baseline;

import dev.pgvigil.rules.baseline.Baseline;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Where baselines are read from: per instance, the last {@value #KEPT}, oldest first. */
public interface BaselineStore {
    int KEPT = 10;

    /** The baselines of {@code instance}, oldest first; empty when there are none. */
    List<Baseline> history(String instance) throws IOException;

    /** Where the baselines are, for messages: a file path or a topic. */
    String where();

    /** The newest baseline of the instance, or the one called {@code name}. */
    default Optional<Baseline> find(String instance, String name) throws IOException {
        List<Baseline> history = history(instance);
        if (name == null) {
            return history.isEmpty() ? Optional.empty() : Optional.of(history.get(history.size() - 1));
        }
        return history.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /** {@code history} with {@code baseline} appended: one of the same name replaced, the oldest beyond {@value #KEPT} dropped. */
    static List<Baseline> appended(List<Baseline> history, Baseline baseline) {
        List<Baseline> result = new ArrayList<>(history);
        result.removeIf(b -> b.name().equals(baseline.name()));
        result.add(baseline);
        while (result.size() > KEPT) {
            result.remove(0);
        }
        return result;
    }
}

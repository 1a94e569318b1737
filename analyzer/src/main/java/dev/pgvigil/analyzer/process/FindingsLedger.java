package dev.pgvigil.analyzer.process;

import dev.pgvigil.schema.Finding;
import dev.pgvigil.schema.Severity;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps pgvigil.findings from repeating itself: a finding is published when it is new, when its
 * severity or recommendation changes, and again after {@code repeatEvery}; otherwise not every
 * interval. The ledger remembers (instance, kind, object) → what was last published and when, and
 * keeps the findings that hold now, with when they were last observed, for the dashboard.
 */
public final class FindingsLedger {
    private final KeyValueStore<String, String> store;
    private final KeyValueStore<String, Finding> current;
    private final Duration repeatEvery;
    private final Outputs outputs;

    public FindingsLedger(KeyValueStore<String, String> store, KeyValueStore<String, Finding> current, Duration repeatEvery,
                          Outputs outputs) {
        this.store = store;
        this.current = current;
        this.repeatEvery = repeatEvery;
        this.outputs = outputs;
    }

    /** The store key: instance first, so one instance's findings are a key range (see {@link #instanceRange}). */
    public static String key(String instance, String kind, String object) {
        return instance + '\u0000' + kind + '\u0000' + object;
    }

    /** Publishes {@code f} unless the same advice went out less than {@code repeatEvery} ago. */
    public void offer(dev.pgvigil.rules.Finding f, Instant at) {
        String key = key(f.instance(), f.kind().wireName(), f.object());
        String signature = f.severity() + "|" + f.recommendation().hashCode();
        Finding published = new Finding(f.kind().wireName(), Severity.valueOf(f.severity().name()), f.instance(), f.object(), f.detail(),
                f.recommendation(), at, f.statements());
        current.put(key, published);
        String last = store.get(key);
        if (last != null) {
            int bar = last.lastIndexOf('|');
            String lastSignature = last.substring(0, bar);
            long lastAtMs = Long.parseLong(last.substring(bar + 1));
            if (lastSignature.equals(signature) && at.toEpochMilli() - lastAtMs < repeatEvery.toMillis()) {
                return;
            }
        }
        store.put(key, signature + "|" + at.toEpochMilli());
        outputs.finding(published, at.toEpochMilli());
    }

    /** The finding no longer holds: forget it, so it is published at once if it comes back. */
    public void withdraw(String instance, String kind, String object) {
        store.delete(key(instance, kind, object));
        current.delete(key(instance, kind, object));
    }

    /** The first and last possible key of one instance's findings, for a range read. */
    public static String[] instanceRange(String instance) {
        return new String[] {instance + '\u0000', instance + '\u0001'};
    }
}

package dev.pgvigil.collector.fleet;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.schema.Target;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A target as the YAML file and the collector know it ({@link TargetConfig}) and as pgvigil.targets holds
 * it (Avro {@link Target}). The one rule of the topic lives here: no secret goes on it, so a target with
 * an inline password, or one in its URL, is refused with the way out.
 */
public final class TargetRecords {
    private TargetRecords() {}

    /** Whether the target carries a password itself (inline or in its URL) rather than naming where one is. */
    public static boolean holdsSecret(TargetConfig t) {
        return t.password() != null || t.parsedUrl().password() != null;
    }

    /** The record for the topic; throws IllegalArgumentException (naming the target, never the secret) if it holds a password. */
    public static Target toRecord(TargetConfig t) {
        if (holdsSecret(t)) {
            throw new IllegalArgumentException("target " + t.id() + ": " + (t.password() != null ? "an inline password" : "a password in the url")
                    + " cannot go on the shared " + "pgvigil.targets topic: name it with passwordEnv or passwordFile instead "
                    + "(resolved on each collector host at connect time)");
        }
        return Target.newBuilder()
                .setId(t.id())
                .setUrl(t.url())
                .setUser(t.user())
                .setPasswordEnv(t.passwordEnv())
                .setPasswordFile(t.passwordFile())
                .setIntervalSeconds(t.intervalSeconds())
                .setLabels(new HashMap<>(t.labels()))
                .setIncludeDatabases(new ArrayList<>(t.includeDatabases()))
                .setExcludeDatabases(new ArrayList<>(t.excludeDatabases()))
                .setEnabled(true)
                .build();
    }

    /** The target a collector connects to; validated like the YAML file's (throws IllegalArgumentException). */
    public static TargetConfig fromRecord(Target r) {
        Map<String, String> labels = new HashMap<>();
        r.getLabels().forEach((k, v) -> labels.put(k.toString(), v.toString()));
        return new TargetConfig(r.getId().toString(), r.getUrl().toString(), text(r.getUser()), null, text(r.getPasswordEnv()),
                text(r.getPasswordFile()), r.getIntervalSeconds(), labels, texts(r.getIncludeDatabases()), texts(r.getExcludeDatabases()));
    }

    private static String text(CharSequence s) {
        return s == null ? null : s.toString();
    }

    private static List<String> texts(List<? extends CharSequence> values) {
        return values.stream().map(CharSequence::toString).toList();
    }
}

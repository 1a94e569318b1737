package dev.pgvigil.alerter.model;

import dev.pgvigil.schema.AlertStatus;
import dev.pgvigil.schema.Severity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * One message to one channel about one instance: the alerts it carries, most severe first.
 * {@link #idempotencyKey()} is derived from the channel and the alerts' own keys, so the same
 * notification sent again (after a crash, or a retry) carries the same key.
 */
public record Notification(String channel, String instanceId, Instant createdAt, List<AlertNotice> alerts) {
    private static final Comparator<AlertNotice> ORDER = Comparator
            .comparing((AlertNotice n) -> n.alert().status() == AlertStatus.RESOLVED)
            .thenComparing(n -> n.alert().severity(), Comparator.reverseOrder())
            .thenComparing(n -> n.alert().rule())
            .thenComparing(n -> n.alert().object());

    public Notification {
        alerts = alerts.stream().sorted(ORDER).toList();
    }

    public String idempotencyKey() {
        StringBuilder sb = new StringBuilder(channel);
        alerts.stream().map(AlertNotice::key).sorted().forEach(k -> sb.append('|').append(k));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return "pgvigil-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public List<AlertNotice> firing() {
        return alerts.stream().filter(n -> n.alert().firing()).toList();
    }

    public List<AlertNotice> resolved() {
        return alerts.stream().filter(n -> !n.alert().firing()).toList();
    }

    /** The worst severity among firing alerts; null when everything resolved. */
    public Severity worstFiringSeverity() {
        return firing().stream().map(n -> n.alert().severity()).max(Comparator.naturalOrder()).orElse(null);
    }

    public List<String> fingerprints() {
        return alerts.stream().map(n -> n.alert().fingerprint()).toList();
    }
}

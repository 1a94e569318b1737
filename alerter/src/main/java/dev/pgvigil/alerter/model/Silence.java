package dev.pgvigil.alerter.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A silence: while {@code startsAt <= now < endsAt}, alerts matched by every matcher get no notification. */
public record Silence(String id, List<LabelMatcher> matchers, Instant startsAt, Instant endsAt, Instant createdAt,
        String createdBy, String comment) {

    public enum State { PENDING, ACTIVE, EXPIRED }

    /** The longest silence a person may create, and how far ahead it may start: past that it is a typo or a way to mute for good. */
    public static final Duration MAX_LENGTH = Duration.ofDays(366);

    public Silence {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a silence needs an id");
        }
        if (matchers == null || matchers.isEmpty()) {
            throw new IllegalArgumentException("a silence needs at least one matcher (rule, instance or object); one that matched everything would hide every alert");
        }
        matchers = List.copyOf(matchers);
        if (startsAt == null || endsAt == null || createdAt == null) {
            throw new IllegalArgumentException("a silence needs a start, an end and a creation time");
        }
        if (endsAt.isBefore(startsAt)) {
            throw new IllegalArgumentException("a silence must end after it starts");
        }
        createdBy = createdBy == null ? "" : createdBy;
        comment = comment == null ? "" : comment;
    }

    /** A new silence from a person (CLI or API): a fresh id, and it must end in the future. */
    public static Silence create(List<LabelMatcher> matchers, Instant startsAt, Instant endsAt, String createdBy, String comment,
            Instant now) {
        Instant start = startsAt == null ? now : startsAt;
        if (endsAt == null || !endsAt.isAfter(now)) {
            throw new IllegalArgumentException("a silence must end in the future");
        }
        if (start.isAfter(now.plus(MAX_LENGTH)) || endsAt.isAfter(start.plus(MAX_LENGTH))) {
            throw new IllegalArgumentException("a silence may start at most " + MAX_LENGTH.toDays() + " days ahead and last at most "
                    + MAX_LENGTH.toDays() + " days; to stop alerts for good, change the rule's thresholds or routes");
        }
        return new Silence(UUID.randomUUID().toString(), matchers, start, endsAt, now, createdBy, comment);
    }

    public State state(Instant now) {
        if (now.isBefore(startsAt)) {
            return State.PENDING;
        }
        return now.isBefore(endsAt) ? State.ACTIVE : State.EXPIRED;
    }

    public boolean isActive(Instant now) {
        return state(now) == State.ACTIVE;
    }

    public boolean matches(Alert alert) {
        Map<String, String> labels = alert.matchLabels();
        return matchers.stream().allMatch(m -> m.matches(labels));
    }

    /** This silence ended at {@code now} (no later than it would have ended anyway). */
    public Silence expiredAt(Instant now) {
        Instant end = now.isBefore(endsAt) ? now : endsAt;
        Instant start = startsAt.isAfter(end) ? end : startsAt;
        return new Silence(id, matchers, start, end, createdAt, createdBy, comment);
    }

    public String describeMatchers() {
        return String.join(", ", matchers.stream().map(LabelMatcher::toString).toList());
    }
}

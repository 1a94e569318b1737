package dev.pgvigil.alerter.state;

import dev.pgvigil.alerter.model.LabelMatcher;
import dev.pgvigil.alerter.model.Silence;
import dev.pgvigil.schema.SilenceMatcher;

/** {@link Silence} to and from its Avro record on pgvigil.silences. */
public final class SilenceCodec {
    private SilenceCodec() {}

    public static dev.pgvigil.schema.Silence toRecord(Silence s) {
        return dev.pgvigil.schema.Silence.newBuilder()
                .setId(s.id())
                .setMatchers(s.matchers().stream()
                        .map(m -> new SilenceMatcher(m.name(), m.value(), m.isRegex()))
                        .toList())
                .setStartsAt(s.startsAt())
                .setEndsAt(s.endsAt())
                .setCreatedAt(s.createdAt())
                .setCreatedBy(s.createdBy())
                .setComment(s.comment())
                .build();
    }

    public static Silence fromRecord(dev.pgvigil.schema.Silence r) {
        return new Silence(r.getId(),
                r.getMatchers().stream().map(m -> LabelMatcher.of(m.getName(), m.getValue(), m.getRegex())).toList(),
                r.getStartsAt(), r.getEndsAt(), r.getCreatedAt(), r.getCreatedBy(), r.getComment());
    }
}

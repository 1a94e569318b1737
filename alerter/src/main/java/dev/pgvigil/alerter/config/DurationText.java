package dev.pgvigil.alerter.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in Alertmanager-style configuration and on the command line:
 * {@code 200ms}, {@code 30s}, {@code 5m}, {@code 4h}, {@code 2d}, {@code 1h30m}, or ISO-8601 ({@code PT4H}).
 * A bare number is refused: without a unit nobody can tell seconds from minutes.
 */
public final class DurationText {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private DurationText() {}

    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a duration is required, e.g. 30s, 5m, 4h");
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("p")) {
            try {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not a duration (ISO-8601 like PT4H, or 30s, 5m, 4h)");
            }
        }
        Matcher m = PART.matcher(s);
        Duration total = Duration.ZERO;
        int end = 0;
        try {
            while (m.find() && m.start() == end) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
                end = m.end();
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        if (end == 0 || end != s.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: write a number with a unit (ms, s, m, h, d), e.g. 30s, 5m, 4h, 1h30m");
        }
        return total;
    }

    /** The shortest text that {@link #parse} reads back: {@code 4h}, {@code 1h30m}, {@code 200ms}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long millis = d.toMillis();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L, 1L};
        String[] units = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < sizes.length; i++) {
            if (millis >= sizes[i]) {
                sb.append(millis / sizes[i]).append(units[i]);
                millis %= sizes[i];
            }
        }
        return sb.toString();
    }

    /** Binds configuration keys of type {@link Duration} from the text forms {@link #parse} reads. */
    public static final class Deserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser parser, DeserializationContext ctxt) throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                throw new IllegalArgumentException("'" + parser.getText() + "' has no unit: write e.g. 30s, 5m, 4h");
            }
            return parse(parser.getText());
        }
    }
}

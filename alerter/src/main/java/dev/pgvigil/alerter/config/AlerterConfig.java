package dev.pgvigil.alerter.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.pgvigil.common.http.HttpSettings;
import dev.pgvigil.rules.Rule;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code alerter} section. Timing follows Alertmanager: a new instance group waits
 * {@code groupWait} before its first notification (so alerts that fire together go out together), then
 * is looked at every {@code groupInterval}; a firing alert is repeated every {@code repeatInterval}.
 * Resolved alerts stay visible in the API for {@code resolvedRetention}, then are removed.
 */
public record AlerterConfig(
        @JsonDeserialize(using = DurationText.Deserializer.class) Duration groupWait,
        @JsonDeserialize(using = DurationText.Deserializer.class) Duration groupInterval,
        @JsonDeserialize(using = DurationText.Deserializer.class) Duration repeatInterval,
        @JsonDeserialize(using = DurationText.Deserializer.class) Duration resolvedRetention,
        String groupId,
        String groupInstanceId,
        String timeZone,
        List<String> inhibitingRules,
        RetryConfig retry,
        List<WebhookConfig> webhooks,
        List<SlackConfig> slack,
        List<EmailConfig> email,
        List<RouteConfig> routes,
        List<String> defaultChannels,
        Boolean httpEnabled,
        HttpSettings http) {

    public static final String LOG_CHANNEL = ChannelNames.LOG;
    /** The alerter's own HTTP port when {@code alerter.http} is not given (the dashboard has 8080). */
    public static final int DEFAULT_HTTP_PORT = 8093;

    public AlerterConfig {
        groupWait = groupWait == null ? Duration.ofSeconds(30) : groupWait;
        groupInterval = groupInterval == null ? Duration.ofMinutes(5) : groupInterval;
        repeatInterval = repeatInterval == null ? Duration.ofHours(4) : repeatInterval;
        resolvedRetention = resolvedRetention == null ? Duration.ofHours(1) : resolvedRetention;
        groupId = groupId == null || groupId.isBlank() ? "pgvigil-alerter" : groupId;
        timeZone = timeZone == null || timeZone.isBlank() ? "UTC" : timeZone;
        inhibitingRules = inhibitingRules == null ? List.of(Rule.INSTANCE_DOWN.wireName()) : List.copyOf(inhibitingRules);
        retry = retry == null ? RetryConfig.DEFAULT : retry;
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
        slack = slack == null ? List.of() : List.copyOf(slack);
        email = email == null ? List.of() : List.copyOf(email);
        routes = routes == null ? List.of() : List.copyOf(routes);
        httpEnabled = httpEnabled == null || httpEnabled;
        http = http == null ? HttpSettings.loopback(DEFAULT_HTTP_PORT) : http;

        if (groupWait.isNegative()) {
            throw new IllegalArgumentException("groupWait must not be negative");
        }
        if (groupInterval.isZero() || groupInterval.isNegative() || repeatInterval.isZero() || repeatInterval.isNegative()) {
            throw new IllegalArgumentException("groupInterval and repeatInterval must be more than 0");
        }
        try {
            ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("timeZone '" + timeZone + "' is not a time zone (e.g. UTC, Europe/Berlin)");
        }
        List<String> names = channelNames(webhooks, slack, email);
        Set<String> unique = new HashSet<>();
        for (String name : names) {
            if (!unique.add(name)) {
                throw new IllegalArgumentException("two channels are named '" + name + "'");
            }
        }
        unique.add(LOG_CHANNEL);
        for (int i = 0; i < routes.size(); i++) {
            for (String channel : routes.get(i).channels()) {
                if (!unique.contains(channel)) {
                    throw new IllegalArgumentException(routes.get(i).label(i) + ": no channel named '" + channel
                            + "' (configured: " + String.join(", ", unique.stream().sorted().toList()) + ")");
                }
            }
        }
        defaultChannels = defaultChannels == null ? names : List.copyOf(defaultChannels);
        for (String channel : defaultChannels) {
            if (!unique.contains(channel)) {
                throw new IllegalArgumentException("defaultChannels: no channel named '" + channel + "'");
            }
        }
    }

    /** Every default: log channel only, Alertmanager's timing. */
    public static AlerterConfig defaults() {
        return new AlerterConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public ZoneId zone() {
        return ZoneId.of(timeZone);
    }

    private static List<String> channelNames(List<WebhookConfig> webhooks, List<SlackConfig> slack, List<EmailConfig> email) {
        List<String> names = new ArrayList<>();
        webhooks.forEach(w -> names.add(w.name()));
        slack.forEach(s -> names.add(s.name()));
        email.forEach(e -> names.add(e.name()));
        return names;
    }
}

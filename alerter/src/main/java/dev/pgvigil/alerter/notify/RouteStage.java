package dev.pgvigil.alerter.notify;

import dev.pgvigil.alerter.config.AlerterConfig;
import dev.pgvigil.alerter.config.RouteConfig;
import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.alerter.model.AlertNotice;
import dev.pgvigil.alerter.model.LabelMatcher;
import dev.pgvigil.alerter.model.Notification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks each alert's channels (Alertmanager's routing tree, flattened to a list): routes are tried in
 * order; a matching route adds its channels and stops the search unless it says {@code continue}; a
 * muted route sends nothing; an alert no route matches goes to the default channels. The log channel
 * gets every notification. Makes one notification per channel that has news for it.
 */
public final class RouteStage implements Stage {
    private static final Logger log = LoggerFactory.getLogger(RouteStage.class);

    public record Route(String label, List<LabelMatcher> matchers, List<String> channels, boolean continueMatching, boolean muted) {
        boolean matches(Alert alert) {
            Map<String, String> labels = alert.matchLabels();
            return matchers.stream().allMatch(m -> m.matches(labels));
        }
    }

    /** Where one alert goes; {@code mutedBy} names the muted route that matched, if one did. */
    public record Decision(Set<String> channels, String mutedBy) {}

    private final List<Route> routes;
    private final List<String> defaultChannels;

    public RouteStage(List<Route> routes, List<String> defaultChannels) {
        this.routes = List.copyOf(routes);
        this.defaultChannels = List.copyOf(defaultChannels);
    }

    public static RouteStage from(AlerterConfig config) {
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < config.routes().size(); i++) {
            RouteConfig r = config.routes().get(i);
            List<LabelMatcher> matchers = new ArrayList<>();
            r.match().forEach((name, value) -> matchers.add(LabelMatcher.exact(name, value)));
            r.matchRegex().forEach((name, value) -> matchers.add(LabelMatcher.regex(name, value)));
            routes.add(new Route(r.label(i), matchers, r.channels(), r.continueMatching(), r.muted()));
        }
        return new RouteStage(routes, config.defaultChannels());
    }

    public Decision route(Alert alert) {
        Set<String> channels = new LinkedHashSet<>();
        String mutedBy = null;
        boolean matched = false;
        for (Route route : routes) {
            if (!route.matches(alert)) {
                continue;
            }
            matched = true;
            if (route.muted()) {
                mutedBy = mutedBy == null ? route.label() : mutedBy;
            } else {
                channels.addAll(route.channels());
            }
            if (!route.continueMatching()) {
                break;
            }
        }
        if (!matched) {
            channels.addAll(defaultChannels);
        }
        return new Decision(channels, channels.isEmpty() ? mutedBy : null);
    }

    /** One notification per channel with news for it; the log channel's carries every notice. */
    @Override
    public Batch apply(Batch batch, Context context) {
        String instanceId = context.instanceId();
        List<AlertNotice> notices = batch.notices();
        Map<String, List<AlertNotice>> byChannel = new LinkedHashMap<>();
        byChannel.put(AlerterConfig.LOG_CHANNEL, new ArrayList<>(notices));
        for (AlertNotice notice : notices) {
            Decision decision = route(notice.alert());
            if (decision.mutedBy() != null && notice.change().isNews()) {
                log.info("{} {} on {}: muted by route {}", notice.alert().rule(), notice.change().describe(), instanceId, decision.mutedBy());
            }
            for (String channel : decision.channels()) {
                if (!channel.equals(AlerterConfig.LOG_CHANNEL)) {
                    byChannel.computeIfAbsent(channel, c -> new ArrayList<>()).add(notice);
                }
            }
        }
        List<Notification> notifications = new ArrayList<>();
        byChannel.forEach((channel, list) -> {
            if (list.stream().anyMatch(n -> n.change().isNews())) {
                notifications.add(new Notification(channel, instanceId, context.now(), list));
            }
        });
        return batch.withNotifications(notifications);
    }
}

package io.scalemanager.manager.alert.config;

import io.scalemanager.manager.alert.Severity;
import io.scalemanager.manager.alert.channel.Notifier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The alerts file, parsed: channels, routes, and the noise controls. Without routes, every alert goes to every
 * channel.
 *
 * @param groupWindow           alerts for one channel arriving within this window go out as one message
 * @param repeatInterval        the same alert (instance, rule, kind) is repeated only this often while it persists
 * @param stoppedReportingAfter an instance silent for longer raises {@code stopped_reporting}
 * @param maxLag                a queue lag above this raises {@code manager_behind}
 */
public record AlertsConfig(List<Notifier> channels, List<Route> routes, Duration groupWindow, Duration repeatInterval,
                           Duration stoppedReportingAfter, Duration maxLag) {
    public static final Duration DEFAULT_GROUP_WINDOW = Duration.ofSeconds(30);
    public static final Duration DEFAULT_REPEAT_INTERVAL = Duration.ofHours(4);
    public static final Duration DEFAULT_STOPPED_REPORTING = Duration.ofMinutes(5);
    public static final Duration DEFAULT_MAX_LAG = Duration.ofSeconds(60);

    /** No channels: alerts are recorded and logged only. */
    public static final AlertsConfig NONE = new AlertsConfig(List.of(), List.of(), DEFAULT_GROUP_WINDOW,
            DEFAULT_REPEAT_INTERVAL, DEFAULT_STOPPED_REPORTING, DEFAULT_MAX_LAG);

    public AlertsConfig {
        channels = List.copyOf(channels);
        routes = List.copyOf(routes);
    }

    /** The channels an alert goes to, in the order they are configured. */
    public List<String> channelsFor(Severity severity, String instance) {
        if (routes.isEmpty()) {
            List<String> all = new ArrayList<>();
            channels.forEach(c -> all.add(c.name()));
            return all;
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (Route r : routes) {
            if (r.matches(severity, instance)) {
                chosen.addAll(r.channels());
            }
        }
        return List.copyOf(chosen);
    }
}

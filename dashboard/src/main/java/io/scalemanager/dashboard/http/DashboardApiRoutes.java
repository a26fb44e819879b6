package io.scalemanager.dashboard.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.time.DurationText;
import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.core.web.ApiException;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.core.web.Routes;
import io.scalemanager.dashboard.chart.InstanceCharts;
import io.scalemanager.dashboard.fleet.FleetQuery;
import io.scalemanager.dashboard.fleet.FleetSummary;
import io.scalemanager.dashboard.fleet.InstanceStatus;
import io.scalemanager.dashboard.rules.RuleActivity;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The reads the dashboard's pages are built from, computed on the server so a page of a 10,000-instance fleet or a
 * week of 10 s samples travels small: {@code GET /v1/fleet} (filtered, sorted, paged, with sparklines),
 * {@code GET /v1/history/chart} (an instance's downsampled series with thresholds, actions, alerts and sizes) and
 * {@code GET /v1/rules/activity} (how often each rule fired).
 */
public final class DashboardApiRoutes implements Routes {
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_PAGE_SIZE = 500;
    /** Rows one manager gives toward a page of the whole fleet: a deep page needs all rows before it. */
    private static final int MAX_SHARE = FleetSummary.MAX_SHARE;
    private static final int MAX_POINTS = 10_000;
    private static final Duration LONGEST_RANGE = Duration.ofDays(31);

    private final FleetSummary fleet;
    private final InstanceCharts charts;
    private final RuleActivity rules;
    private final Clock clock;

    public DashboardApiRoutes(FleetSummary fleet, InstanceCharts charts, RuleActivity rules, Clock clock) {
        this.fleet = fleet;
        this.charts = charts;
        this.rules = rules;
        this.clock = clock;
    }

    @Override
    public void addTo(RoutesConfig routes, HttpSettings http) {
        routes.get("/v1/fleet", this::fleet);
        routes.get("/v1/history/chart", this::chart);
        routes.get("/v1/rules/activity", ctx -> {
            Duration since = Optional.ofNullable(ctx.queryParam("since")).filter(s -> !s.isEmpty())
                    .map(s -> duration("since", s)).orElse(Duration.ofHours(24));
            ctx.json(rules.since(since));
        });
    }

    /**
     * The fleet page; with {@code scope=local} this manager's share of one, as another manager asks for it
     * ({@code offset}, {@code limit}, {@code brief}).
     */
    private void fleet(Context ctx) {
        String scope = param(ctx, "scope").orElse("fleet");
        if (!scope.equals("fleet") && !scope.equals("local")) {
            throw ApiException.badRequest("scope", "must be 'fleet' (every manager's instances) or 'local' "
                    + "(this manager's share), got '" + scope + "'");
        }
        FleetQuery q = fleetQuery(ctx);
        try {
            if (scope.equals("local")) {
                String brief = param(ctx, "brief").orElse("false");
                if (!brief.equals("true") && !brief.equals("false")) {
                    throw ApiException.badRequest("brief", "must be true or false, got '" + brief + "'");
                }
                ctx.json(fleet.share(q, integer(ctx, "offset", 0, 0, MAX_SHARE), integer(ctx, "limit",
                        q.size(), 1, MAX_SHARE), brief.equals("true")));
            } else {
                ctx.json(fleet.page(q));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted while reading the fleet");
        }
    }

    static FleetQuery fleetQuery(Context ctx) {
        InstancePattern instances;
        try {
            instances = InstancePattern.parse(param(ctx, "instances").orElse("*"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("instances", e.getMessage());
        }
        Optional<InstanceStatus> status = param(ctx, "status").map(s -> InstanceStatus.parse(s).orElseThrow(() ->
                ApiException.badRequest("status", "must be one of " + Arrays.stream(InstanceStatus.values())
                        .map(InstanceStatus::wireName).toList() + ", got '" + s + "'")));
        String sort = param(ctx, "sort").orElse("instance");
        if (!sort.equals("instance") && !sort.equals("last_seen") && !sort.equals("status")
                && !(sort.startsWith("value:") && TYPE.matcher(sort.substring(6)).matches())) {
            throw ApiException.badRequest("sort", "must be instance, last_seen, status or value:TYPE, got '"
                    + sort + "'");
        }
        String order = param(ctx, "order").orElse("asc");
        if (!order.equals("asc") && !order.equals("desc")) {
            throw ApiException.badRequest("order", "must be asc or desc, got '" + order + "'");
        }
        int page = integer(ctx, "page", 0, 0, Integer.MAX_VALUE / MAX_PAGE_SIZE);
        int size = integer(ctx, "size", 50, 1, MAX_PAGE_SIZE);
        return new FleetQuery(instances, status, sort, order.equals("desc"), page, size);
    }

    private void chart(Context ctx) {
        String instance = param(ctx, "instance").orElseThrow(() -> ApiException.badRequest("instance",
                "required: the instance id"));
        long now = clock.millis();
        long to = param(ctx, "to").map(t -> time("to", t)).orElse(now);
        long from = param(ctx, "from").map(f -> time("from", f)).orElse(to - Duration.ofHours(1).toMillis());
        if (from >= to) {
            throw ApiException.badRequest("from", "must be before 'to'");
        }
        if (to - from > LONGEST_RANGE.toMillis()) {
            throw ApiException.badRequest("from", "a chart spans at most 31 days");
        }
        int points = integer(ctx, "points", 1000, 10, MAX_POINTS);
        Set<String> types = new LinkedHashSet<>();
        for (String t : param(ctx, "types").map(s -> s.split(",")).orElse(new String[0])) {
            if (!TYPE.matcher(t).matches()) {
                throw ApiException.badRequest("types", "must be a comma-separated list of types, got '" + t + "'");
            }
            types.add(t);
        }
        ctx.json(charts.chart(instance, from, to, points, types));
    }

    private static Optional<String> param(Context ctx, String name) {
        return Optional.ofNullable(ctx.queryParam(name)).filter(s -> !s.isEmpty());
    }

    private static int integer(Context ctx, String name, int fallback, int min, int max) {
        Optional<String> text = param(ctx, name);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(text.get());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.badRequest(name, "must be a whole number from " + min + " to " + max + ", got '"
                + text.get() + "'");
    }

    private static long time(String field, String text) {
        try {
            double seconds = Double.parseDouble(text);
            if (Double.isFinite(seconds) && seconds >= 0) {
                return EpochSeconds.toMillis(seconds);
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.badRequest(field, "must be epoch seconds, got '" + text + "'");
    }

    private static Duration duration(String field, String text) {
        try {
            return DurationText.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field, e.getMessage());
        }
    }
}

package io.scalemanager.dashboard.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.time.DurationText;
import io.scalemanager.core.problem.DomainException;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.core.web.QueryParams;
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
            Duration since = new QueryParams(ctx).parsed("since", DurationText::parse).orElse(Duration.ofHours(24));
            ctx.json(rules.since(since));
        });
    }

    /**
     * The fleet page; with {@code scope=local} this manager's share of one, as another manager asks for it
     * ({@code offset}, {@code limit}, {@code brief}).
     */
    private void fleet(Context ctx) {
        QueryParams params = new QueryParams(ctx);
        String scope = params.choice("scope", QueryParams.oneOf("fleet", "local"),
                "'fleet' (every manager's instances) or 'local' (this manager's share)").orElse("fleet");
        FleetQuery q = fleetQuery(params);
        try {
            if (scope.equals("local")) {
                boolean brief = params.choice("brief", QueryParams.oneOf("true", "false"), "true or false")
                        .orElse("false").equals("true");
                ctx.json(fleet.share(q, params.whole("offset", 0, 0, MAX_SHARE), params.whole("limit",
                        q.size(), 1, MAX_SHARE), brief));
            } else {
                ctx.json(fleet.page(q));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DomainException.Unavailable("interrupted while reading the fleet");
        }
    }

    static FleetQuery fleetQuery(QueryParams params) {
        InstancePattern instances = params.parsed("instances", InstancePattern::parse).orElse(InstancePattern.ANY);
        Optional<InstanceStatus> status = params.choice("status", InstanceStatus::parse, "one of "
                + Arrays.stream(InstanceStatus.values()).map(InstanceStatus::wireName).toList());
        String sort = params.choice("sort", s -> Optional.of(s).filter(w -> w.equals("instance")
                        || w.equals("last_seen") || w.equals("status")
                        || (w.startsWith("value:") && TYPE.matcher(w.substring(6)).matches())),
                "instance, last_seen, status or value:TYPE").orElse("instance");
        boolean descending = params.choice("order", QueryParams.oneOf("asc", "desc"), "asc or desc")
                .orElse("asc").equals("desc");
        int page = params.whole("page", 0, 0, Integer.MAX_VALUE / MAX_PAGE_SIZE);
        int size = params.whole("size", 50, 1, MAX_PAGE_SIZE);
        return new FleetQuery(instances, status, sort, descending, page, size);
    }

    private void chart(Context ctx) {
        QueryParams params = new QueryParams(ctx);
        String instance = params.required("instance", "required: the instance id");
        long now = clock.millis();
        long to = params.epochMillis("to").orElse(now);
        long from = params.epochMillis("from").orElse(to - Duration.ofHours(1).toMillis());
        if (from >= to) {
            throw QueryParams.invalid("from", "must be before 'to'");
        }
        if (to - from > LONGEST_RANGE.toMillis()) {
            throw QueryParams.invalid("from", "a chart spans at most 31 days");
        }
        int points = params.whole("points", 1000, 10, MAX_POINTS);
        Set<String> types = new LinkedHashSet<>();
        for (String t : params.text("types").map(s -> s.split(",")).orElse(new String[0])) {
            if (!TYPE.matcher(t).matches()) {
                throw QueryParams.invalid("types", "must be a comma-separated list of types, got '" + t + "'");
            }
            types.add(t);
        }
        ctx.json(charts.chart(instance, from, to, points, types));
    }
}

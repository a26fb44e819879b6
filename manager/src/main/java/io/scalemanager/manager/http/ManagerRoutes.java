package io.scalemanager.manager.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.core.web.ApiException;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.core.web.Routes;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.actionlog.ActionStatus;
import io.scalemanager.manager.alert.Alert;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.command.ActionFinisher;
import io.scalemanager.manager.fleet.FleetListing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The manager's read API: the ActionLog, the alerts, and the fleet with its sizes and each instance's most
 * pressing outcome.
 */
public final class ManagerRoutes implements Routes {
    private static final int MAX_LIMIT = 10_000;

    private final ActionLog actionLog;
    private final AlertLog alertLog;
    private final FleetListing fleet;
    private final Optional<ActionFinisher> finisher;

    /**
     * @param fleet    the fleet listing, asking the other managers too when several share the partitions
     * @param finisher ends actions released by an operator ({@code POST /v1/actions/{id}/release}); without it the
     *                 route is not served
     */
    public ManagerRoutes(ActionLog actionLog, AlertLog alertLog, FleetListing fleet,
                         Optional<ActionFinisher> finisher) {
        this.actionLog = actionLog;
        this.alertLog = alertLog;
        this.fleet = fleet;
        this.finisher = finisher;
    }

    @Override
    public void addTo(RoutesConfig routes, HttpSettings http) {
        routes.get("/v1/actions", this::actions);
        if (finisher.isPresent()) {
            routes.post("/v1/actions/{id}/release", this::release);
        }
        routes.get("/v1/alerts", this::alerts);
        routes.get("/v1/instances", this::instances);
    }

    private void actions(Context ctx) {
        Optional<String> instance = Optional.ofNullable(ctx.queryParam("instance")).filter(s -> !s.isEmpty());
        Optional<ActionStatus> status = Optional.ofNullable(ctx.queryParam("status")).filter(s -> !s.isEmpty())
                .map(s -> ActionStatus.parse(s).orElseThrow(() -> ApiException.badRequest("status",
                        "must be one of " + ActionStatus.wireNames() + "; got '" + s + "'")));
        List<Map<String, Object>> body = new ArrayList<>();
        for (Action a : actionLog.list(instance, status, limit(ctx, 100))) {
            body.add(toJson(a));
        }
        ctx.json(Map.of("actions", body));
    }

    /**
     * Frees the lock of an action that awaits its size (verifying, unverified, needs_restart): the operator has
     * looked at the VM. 404 for an unknown action, 409 for one that does not await its size.
     */
    private void release(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("id", "must be an action id (a number), got '" + ctx.pathParam("id") + "'");
        }
        Action a = actionLog.get(id).orElseThrow(() -> ApiException.notFound("no action " + id));
        if (finisher.orElseThrow().released(a, "released by an operator at "
                + java.time.Instant.now()).isEmpty()) {
            throw new ApiException(409, "action " + id + " is " + a.status().wireName()
                    + (a.finishedAtMs() != null ? " and already ended" : "") + "; only an action awaiting its size "
                    + "(verifying, unverified, needs_restart) can be released");
        }
        ctx.json(toJson(actionLog.get(id).orElseThrow()));
    }

    static Map<String, Object> toJson(Action a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("instance", a.instance());
        m.put("rule", a.rule());
        m.put("component", a.change().component().wireName());
        m.put("mode", a.change().mode().wireName());
        m.put("value", a.change().value());
        m.put("status", a.status().wireName());
        m.put("created_at", EpochSeconds.fromMillis(a.createdAtMs()));
        m.put("finished_at", a.finishedAtMs() == null ? null : EpochSeconds.fromMillis(a.finishedAtMs()));
        m.put("error", a.error());
        Event e = a.event();
        m.put("event", Map.of("seq", e.seq(), "instance", e.instance(), "type", e.state().type(),
                "value", e.state().value(), "timestamp", EpochSeconds.fromMillis(e.state().timestampMs())));
        m.put("reason", a.reason());
        m.put("from", a.fromValue());
        m.put("to", a.toValue());
        m.put("operation", a.operation());
        m.put("verified_at", a.verifiedAtMs() == null ? null : EpochSeconds.fromMillis(a.verifiedAtMs()));
        m.put("verified_by", a.verifiedBy());
        m.put("rollback_of", a.rollbackOf());
        return m;
    }

    private void alerts(Context ctx) {
        Optional<String> instance = Optional.ofNullable(ctx.queryParam("instance")).filter(s -> !s.isEmpty());
        List<Map<String, Object>> body = new ArrayList<>();
        for (Alert a : alertLog.list(instance, limit(ctx, 100))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", a.id());
            m.put("time", EpochSeconds.fromMillis(a.timeMs()));
            m.put("severity", a.severity().wireName());
            m.put("instance", a.instance());
            m.put("rule", a.rule());
            m.put("kind", a.kind());
            m.put("message", a.message());
            body.add(m);
        }
        ctx.json(Map.of("alerts", body));
    }

    private void instances(Context ctx) {
        String scope = Optional.ofNullable(ctx.queryParam("scope")).orElse("fleet");
        if (!scope.equals("fleet") && !scope.equals("local")) {
            throw ApiException.badRequest("scope", "must be 'fleet' (every manager's instances) or 'local' "
                    + "(this manager's), got '" + scope + "'");
        }
        int limit = limit(ctx, 1000);
        try {
            ctx.json(fleet.list(ctx.queryParam("after"), limit, scope.equals("fleet")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted while listing the fleet");
        }
    }

    private static int limit(Context ctx, int defaultLimit) {
        String text = ctx.queryParam("limit");
        if (text == null || text.isEmpty()) {
            return defaultLimit;
        }
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.badRequest("limit", "must be a whole number from 1 to " + MAX_LIMIT + ", got '" + text + "'");
    }
}

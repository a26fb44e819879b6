package io.scalemanager.manager.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.core.problem.DomainException;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.core.web.QueryParams;
import io.scalemanager.core.web.Routes;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.actionlog.ActionStatus;
import io.scalemanager.manager.alert.Alert;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.command.ActionFinisher;
import io.scalemanager.manager.fleet.FleetListing;

import java.util.List;
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
        QueryParams params = new QueryParams(ctx);
        Optional<ActionStatus> status = params.choice("status", ActionStatus::parse,
                "one of " + ActionStatus.wireNames());
        ctx.json(new ActionList(actionLog.list(params.text("instance"), status, limit(params, 100)).stream()
                .map(ActionView::of).toList()));
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
            throw DomainException.Malformed.field("id", "must be an action id (a number), got '"
                    + ctx.pathParam("id") + "'");
        }
        Action a = actionLog.get(id).orElseThrow(() -> new DomainException.NotFound("no action " + id));
        if (finisher.orElseThrow().released(a, "released by an operator at "
                + java.time.Instant.now()).isEmpty()) {
            throw new DomainException.Conflict("action " + id + " is " + a.status().wireName()
                    + (a.finishedAtMs() != null ? " and already ended" : "") + "; only an action awaiting its size "
                    + "(verifying, unverified, needs_restart) can be released");
        }
        ctx.json(ActionView.of(actionLog.get(id).orElseThrow()));
    }

    record ActionList(List<ActionView> actions) {
    }

    /** An action as the API shows it (CONTRACT.md, "Actions"). */
    record ActionView(long id, String instance, String rule, String component, String mode, double value, String status,
                      @JsonProperty("created_at") Number createdAt, @JsonProperty("finished_at") Number finishedAt,
                      String error, EventView event, String reason, Long from, Long to, String operation,
                      @JsonProperty("verified_at") Number verifiedAt, @JsonProperty("verified_by") String verifiedBy,
                      @JsonProperty("rollback_of") Long rollbackOf,
                      @JsonProperty("requested_by") String requestedBy,
                      @JsonProperty("refused_by") String refusedBy) {
        static ActionView of(Action a) {
            Event e = a.event();
            return new ActionView(a.id(), a.instance(), a.rule(), a.change().component().wireName(),
                    a.change().mode().wireName(), a.change().value(), a.status().wireName(),
                    EpochSeconds.fromMillis(a.createdAtMs()),
                    a.finishedAtMs() == null ? null : EpochSeconds.fromMillis(a.finishedAtMs()), a.error(),
                    new EventView(e.seq(), e.instance(), e.state().type(), e.state().value(),
                            EpochSeconds.fromMillis(e.state().timestampMs())),
                    a.reason(), a.fromValue(), a.toValue(), a.operation(),
                    a.verifiedAtMs() == null ? null : EpochSeconds.fromMillis(a.verifiedAtMs()), a.verifiedBy(),
                    a.rollbackOf(), a.requestedBy(), a.refusedBy());
        }
    }

    /** The event that led to an action. */
    record EventView(long seq, String instance, String type, double value, Number timestamp) {
    }

    record AlertList(List<AlertView> alerts) {
    }

    /** An alert as the API shows it. */
    record AlertView(long id, Number time, String severity, String instance, String rule, String kind,
                     String message) {
        static AlertView of(Alert a) {
            return new AlertView(a.id(), EpochSeconds.fromMillis(a.timeMs()), a.severity().wireName(), a.instance(),
                    a.rule(), a.kind(), a.message());
        }
    }

    private void alerts(Context ctx) {
        QueryParams params = new QueryParams(ctx);
        ctx.json(new AlertList(alertLog.list(params.text("instance"), limit(params, 100)).stream()
                .map(AlertView::of).toList()));
    }

    private void instances(Context ctx) {
        QueryParams params = new QueryParams(ctx);
        boolean wholeFleet = params.choice("scope", QueryParams.oneOf("fleet", "local"),
                "'fleet' (every manager's instances) or 'local' (this manager's)").orElse("fleet").equals("fleet");
        int limit = limit(params, 1000);
        try {
            ctx.json(fleet.list(ctx.queryParam("after"), limit, wholeFleet));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DomainException.Unavailable("interrupted while listing the fleet");
        }
    }

    private static int limit(QueryParams params, int defaultLimit) {
        return params.whole("limit", defaultLimit, 1, MAX_LIMIT);
    }
}

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
import io.scalemanager.manager.command.InstanceApiClient;
import io.scalemanager.manager.decision.LatestOutcomes;
import io.scalemanager.manager.fleet.Fleet;
import io.scalemanager.manager.fleet.FleetPeers;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The manager's read API: the ActionLog, the alerts, and the fleet with its sizes and each instance's most
 * pressing outcome.
 */
public final class ManagerRoutes implements Routes {
    private static final int MAX_LIMIT = 10_000;
    /**
     * A fleet listing waits this long for the other managers (each waits up to 5 s for the instance API's sizes);
     * the listing names those that did not answer.
     */
    private static final long PEER_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(8);

    private final ActionLog actionLog;
    private final AlertLog alertLog;
    private final Fleet fleet;
    private final InstanceApiClient instanceApi;
    private final Optional<FleetPeers> peers;
    private final LatestOutcomes latest;
    private final Optional<ActionFinisher> finisher;

    /**
     * @param peers the other managers, when several share the partitions (Kafka); each knows only its own
     *              instances, so a fleet listing asks them too
     */
    public ManagerRoutes(ActionLog actionLog, AlertLog alertLog, Fleet fleet, InstanceApiClient instanceApi,
                         Optional<FleetPeers> peers, LatestOutcomes latest) {
        this(actionLog, alertLog, fleet, instanceApi, peers, latest, Optional.empty());
    }

    /** @param finisher ends actions released by an operator ({@code POST /v1/actions/{id}/release}) */
    public ManagerRoutes(ActionLog actionLog, AlertLog alertLog, Fleet fleet, InstanceApiClient instanceApi,
                         Optional<FleetPeers> peers, LatestOutcomes latest, Optional<ActionFinisher> finisher) {
        this.latest = latest;
        this.finisher = finisher;
        this.actionLog = actionLog;
        this.alertLog = alertLog;
        this.fleet = fleet;
        this.instanceApi = instanceApi;
        this.peers = peers;
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
        String after = ctx.queryParam("after");
        int limit = limit(ctx, 1000);
        String scope = Optional.ofNullable(ctx.queryParam("scope")).orElse("fleet");
        if (!scope.equals("fleet") && !scope.equals("local")) {
            throw ApiException.badRequest("scope", "must be 'fleet' (every manager's instances) or 'local' "
                    + "(this manager's), got '" + scope + "'");
        }
        if (peers.isEmpty() || scope.equals("local")) {
            ctx.json(Map.of("instances", localInstances(after, limit)));
            return;
        }
        // Ask the peers first, so their answers travel while this manager lists its own.
        List<URI> others = peers.get().peers();
        List<CompletableFuture<List<Map<String, Object>>>> pages = new ArrayList<>(others.size());
        for (URI peer : others) {
            pages.add(peers.get().localPage(peer, after, limit));
        }
        List<List<Map<String, Object>>> answered = new ArrayList<>();
        answered.add(localInstances(after, limit));
        List<Map<String, Object>> unanswered = new ArrayList<>();
        long deadline = System.nanoTime() + PEER_TIMEOUT_NANOS;
        for (int i = 0; i < others.size(); i++) {
            try {
                answered.add(pages.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(503, "interrupted while asking the other managers");
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                unanswered.add(Map.of("manager", others.get(i).toString(), "error",
                        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instances", FleetPeers.merge(answered, limit));
        body.put("managers", answered.size());
        body.put("unanswered", unanswered);
        ctx.json(body);
    }

    /** This manager's own instances, each with its size from the instance API. */
    private List<Map<String, Object>> localInstances(String after, int limit) {
        List<Fleet.InstanceView> views = fleet.list(after, limit);
        List<CompletableFuture<Optional<InstanceApiClient.SourcedSize>>> sizes = new ArrayList<>(views.size());
        for (Fleet.InstanceView v : views) {
            sizes.add(instanceApi.sourcedSizeAsync(v.instance()));
        }
        List<Map<String, Object>> body = new ArrayList<>(views.size());
        for (int i = 0; i < views.size(); i++) {
            Fleet.InstanceView v = views.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("instance", v.instance());
            m.put("last_seen", EpochSeconds.fromMillis(v.lastSeenMs()));
            m.put("values", v.values());
            Optional<InstanceApiClient.SourcedSize> size = awaitSize(sizes.get(i));
            m.put("size", size.map(s -> (Object) Map.of("cpu", s.size().cpu(), "ram", s.size().ram(),
                    "storage", s.size().storage())).orElse(null));
            // which size is real: the simulator's made-up one beside an agent's ram_total_mb misleads otherwise
            m.put("size_source", size.map(InstanceApiClient.SourcedSize::source).orElse(null));
            m.put("outcome", DecisionRoutes.mostPressing(latest, v.instance()));
            body.add(m);
        }
        return body;
    }

    private static Optional<InstanceApiClient.SourcedSize> awaitSize(
            CompletableFuture<Optional<InstanceApiClient.SourcedSize>> f) {
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            // Stopping: keep the interruption for the caller, leave the size out like an unanswered one.
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
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

package io.scalemanager.instanceapi.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.scalemanager.core.access.Caller;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.core.web.ApiError;
import io.scalemanager.core.problem.DomainException;
import io.scalemanager.core.web.ApiException;
import io.scalemanager.core.web.DomainErrors;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.core.web.QueryParams;
import io.scalemanager.core.web.Routes;
import io.scalemanager.core.state.Identifier;
import io.scalemanager.instanceapi.operation.Operation;
import io.scalemanager.instanceapi.operation.OperationService;
import io.scalemanager.core.operation.OperationStatus;
import io.scalemanager.instanceapi.operation.Requester;
import io.scalemanager.instanceapi.operation.ResizeRequest;
import io.scalemanager.instanceapi.provider.Provider;
import io.scalemanager.instanceapi.provider.ProviderException;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The instance API: resize instances, follow operations, read sizes, and the original {@code POST /instance}.
 * Instance ids may contain {@code /}; the {@code <instance>} path parameters accept it raw or as {@code %2F}.
 */
public final class InstanceApiRoutes implements Routes {
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 10_000;
    private final OperationService operations;
    private final Provider provider;
    private final Duration legacyWait;

    /**
     * @param legacyWait how long {@code POST /instance} waits for its resize; after that it answers 202 with
     *                   the operation still running
     */
    public InstanceApiRoutes(OperationService operations, Provider provider, Duration legacyWait) {
        this.operations = operations;
        this.provider = provider;
        this.legacyWait = legacyWait;
    }

    @Override
    public void addTo(RoutesConfig routes, HttpSettings http) {
        routes.post("/v1/instances/<instance>/resize", this::resize);
        routes.get("/v1/instances/<instance>", this::instance);
        routes.get("/v1/operations", this::operations);
        routes.get("/v1/operations/{id}", this::operation);
        routes.post("/instance", this::legacyResize);
    }

    private void resize(Context ctx) {
        ResizeRequest request = parseBody(ctx.body());
        Operation op = operations.submit(ctx.pathParam("instance"), request,
                Optional.ofNullable(ctx.header("Idempotency-Key")), requester(ctx));
        ctx.status(202).json(new Accepted(op.id(), op.status().wireName()));
    }

    /** The caller the server let through (changes always carry a token) and where the request came from. */
    private static Requester requester(Context ctx) {
        return new Requester(ApiServer.caller(ctx).map(Caller::name).orElse(Caller.ANONYMOUS), ctx.ip());
    }

    private void instance(Context ctx) {
        String instance = ctx.pathParam("instance");
        Size size;
        try {
            size = Optional.of(instance).filter(Identifier.INSTANCE::isValid).flatMap(provider::currentSize)
                    .orElseThrow(() -> new DomainException.NotFound("unknown instance '" + instance + "'"));
        } catch (ProviderException e) {
            throw new DomainException.Unavailable("cannot read the size of '" + instance + "' now: " + e.getMessage());
        }
        ctx.json(new InstanceSize(instance, size.cpu(), size.ram(), size.storage(), provider.sizeSource(instance)));
    }

    private void operations(Context ctx) {
        QueryParams params = new QueryParams(ctx);
        Optional<OperationStatus> status = params.choice("status", OperationStatus::parse,
                "one of pending, running, succeeded, failed");
        List<OperationView> body = operations.list(params.text("instance"), status,
                params.whole("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)).stream().map(OperationView::of).toList();
        ctx.json(new Operations(body));
    }

    private void operation(Context ctx) {
        String id = ctx.pathParam("id");
        Operation op = operations.find(id).orElseThrow(() -> new DomainException.NotFound("unknown operation '" + id + "'"));
        ctx.json(OperationView.of(op));
    }

    /** The original endpoint: runs the resize and answers once it is done; any refusal is a 406. */
    private void legacyResize(Context ctx) {
        Operation op;
        try {
            op = operations.submit(param(ctx, "instance"),
                    new ResizeRequest(param(ctx, "component"), param(ctx, "type"), param(ctx, "value")),
                    Optional.empty(), requester(ctx));
        } catch (DomainException e) {
            // The original endpoint's contract: every refusal is a 406, whatever its kind. A status of HTTP's own
            // (Not Acceptable) that no domain kind maps to, hence the edge's ApiException.
            throw new ApiException(406, e.getMessage(), e.details());
        }
        ctx.future(() -> operations.whenFinished(op.id())
                .orTimeout(legacyWait.toMillis(), TimeUnit.MILLISECONDS)
                .handle((finished, error) -> {
                    answerLegacy(ctx, op, finished, error);
                    return null;
                }));
    }

    private void answerLegacy(Context ctx, Operation submitted, Operation finished, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TimeoutException) {
            // Still under way: not refused, so not a 406; the operation can be followed by its id.
            ctx.status(202).json(OperationView.of(operations.find(submitted.id()).orElse(submitted)));
        } else if (cause != null) {
            ctx.status(cause instanceof DomainException refused ? DomainErrors.status(refused) : 500)
                    .json(new ApiError("resize " + submitted.id() + " did not finish: " + cause.getMessage(),
                            List.of()));
        } else if (finished.status() == OperationStatus.SUCCEEDED) {
            ctx.status(200).json(OperationView.of(finished));
        } else {
            ctx.status(406).json(new ApiError("resize " + finished.id() + " failed: " + finished.error(),
                    List.of()));
        }
    }

    private static String param(Context ctx, String name) {
        String value = ctx.queryParam(name);
        return value != null ? value : ctx.formParam(name);
    }

    private static ResizeRequest parseBody(String body) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new DomainException.Malformed("malformed JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new DomainException.Invalid("the body must be a JSON object like "
                    + "{\"component\": \"ram\", \"mode\": \"rel\", \"value\": 1024}", List.of());
        }
        return new ResizeRequest(text(root.get("component")), text(root.get("mode")), text(root.get("value")),
                text(root.get("restart")));
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    /** Answer of {@code GET /v1/operations}. */
    record Operations(List<OperationView> operations) {
    }

    /** Answer of an accepted resize. */
    record Accepted(String operation, String status) {
    }

    /** Answer of {@code GET /v1/instances/{instance}}; source: "simulator" or "provider". */
    record InstanceSize(String instance, long cpu, long ram, long storage, String source) {
    }

    /** An operation as the API shows it; times in epoch seconds. */
    record OperationView(String operation, String instance, String status, String error, String component,
                         String mode, Number value, long from, long to,
                         @JsonProperty("created_at") Number createdAt,
                         @JsonProperty("started_at") Number startedAt,
                         @JsonProperty("finished_at") Number finishedAt, String note,
                         @JsonProperty("needs_restart") boolean needsRestart) {

        static OperationView of(Operation op) {
            boolean whole = op.value() == Math.rint(op.value()) && Math.abs(op.value()) < 1e15;
            Number value = whole ? (Number) (long) op.value() : (Number) op.value();
            return new OperationView(op.id(), op.instance(), op.status().wireName(), op.error(),
                    op.component().wireName(), op.mode().wireName(), value, op.from(), op.to(),
                    EpochSeconds.fromMillis(op.createdAt()), seconds(op.startedAt()), seconds(op.finishedAt()),
                    op.note(), op.needsRestart());
        }

        private static Number seconds(Long epochMs) {
            return epochMs == null ? null : EpochSeconds.fromMillis(epochMs);
        }
    }
}

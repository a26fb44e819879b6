package io.scalemanager.core.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.json.Json;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server with what every component serves: {@code /health}, {@code /ready}, {@code /metrics}, JSON
 * errors from one exception mapper, bearer tokens on changes, request timing. Components add their
 * {@link Routes}; the all-in-one adds every component's routes to one server.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final String START_NANOS = "scalemanager.startNanos";
    /** Where a browser signs in (POST, a form or JSON with the token) and out (DELETE). */
    public static final String SESSION_PATH = "/v1/session";

    private final HttpSettings settings;
    private final Javalin app;
    private final List<ReadinessCheck> checks = new ArrayList<>();
    private final Set<String> chunkedBodyPaths = ConcurrentHashMap.newKeySet();
    private final BearerTokenAuth auth;
    private final List<Endpoint> endpoints = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean stopping;

    public ApiServer(HttpSettings settings, PrometheusMeterRegistry registry) {
        this.settings = settings;
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.events(events -> events.handlerAdded(h -> {
                if (h.getHttpMethod().isHttpMethod()) {
                    endpoints.add(new Endpoint(h.getHttpMethod().name(), h.getPath()));
                }
            }));
            config.useVirtualThreads = false;
            config.http.maxRequestSize = settings.maxRequestBytes();
            config.jsonMapper(new JavalinJackson(Json.mapper(), false));
            config.jetty.modifyServer(server -> server.setStopTimeout(10_000));
            // Jetty caches header values per connection and would otherwise match a cached bearer token
            // ignoring case; tokens are compared exactly.
            config.jetty.modifyHttpConfiguration(h -> h.setHeaderCacheCaseSensitive(true));
        });
        this.auth = settings.apiToken().map(BearerTokenAuth::new).orElse(null);
        app.before(ctx -> {
            ctx.attribute(START_NANOS, System.nanoTime());
            if (!SignInSession.isRead(ctx)) {
                SignInSession.checkOrigin(ctx);
            }
            // Signing in is how a browser presents its token; the sign-in checks the token itself.
            if (auth != null && !ctx.path().equals(SESSION_PATH)) {
                auth.check(ctx);
            }
            // Javalin checks its size limit against Content-Length only; a chunked body would be read whole.
            // Routes that count bytes as they stream (the collector) are let through.
            if (ctx.req().getContentLengthLong() < 0 && "chunked".equalsIgnoreCase(ctx.header("Transfer-Encoding"))
                    && !chunkedBodyPaths.contains(ctx.path())) {
                throw new ApiException(411, "send the body with a Content-Length");
            }
        });
        app.after(ctx -> {
            Long start = ctx.attribute(START_NANOS);
            if (start != null) {
                Timer.builder("scalemanager_http_requests")
                        .description("HTTP requests answered, by method, route and status")
                        .tag("method", ctx.method().name())
                        .tag("route", ctx.endpointHandlerPath())
                        .tag("status", Integer.toString(ctx.statusCode()))
                        .register(registry)
                        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        });
        app.exception(ApiException.class, (e, ctx) -> ctx.status(e.status()).json(e.body()));
        app.exception(DatabaseException.class, (e, ctx) -> {
            log.warn("Database unavailable on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            ctx.status(503).header("Retry-After", "1")
                    .json(new ApiError("storage is unavailable now; try again shortly", List.of()));
        });
        app.exception(HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus())
                .json(new ApiError(describe(e), List.of())));
        app.exception(Exception.class, (e, ctx) -> {
            log.error("Unexpected error on {} {}", ctx.method(), ctx.path(), e);
            ctx.status(500).json(new ApiError("internal error; the server log has the details", List.of()));
        });
        app.error(HttpStatus.NOT_FOUND, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty() || !ctx.res().getContentType().contains("json")) {
                ctx.json(new ApiError("not found: " + ctx.method() + " " + ctx.path(), List.of()));
            }
        });
        app.error(HttpStatus.METHOD_NOT_ALLOWED, ctx -> ctx.json(new ApiError("method not allowed", List.of())));
        app.get("/health", ctx -> ctx.json(Map.of("status", stopping ? "stopping" : "ok")));
        app.get("/ready", ctx -> {
            Map<String, String> status = new LinkedHashMap<>();
            boolean ready = !stopping;
            for (ReadinessCheck check : checks) {
                boolean ok = safeReady(check);
                status.put(check.name(), ok ? "ok" : "unavailable");
                ready &= ok;
            }
            ctx.status(ready ? 200 : 503).json(Map.of("ready", ready, "checks", status));
        });
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(registry.scrape()));
        app.post(SESSION_PATH, this::signIn);
        app.delete(SESSION_PATH, ctx -> {
            SignInSession.end(ctx);
            ctx.status(204);
        });
    }

    /**
     * Signs a browser in: a form post ({@code token=...}, answered with a redirect to the dashboard, or back to
     * the sign-in page when the token is wrong) or JSON {@code {"token": "..."}} (204, or 401).
     */
    private void signIn(Context ctx) {
        boolean form = ctx.contentType() != null && ctx.contentType().startsWith("application/x-www-form-urlencoded");
        String token;
        if (form) {
            token = ctx.formParam("token");
        } else {
            try {
                JsonNode body = Json.mapper().readTree(ctx.bodyInputStream());
                token = body != null && body.path("token").isTextual() ? body.get("token").asText() : null;
            } catch (IOException e) {
                throw ApiException.badRequest("token", "send a form field token or JSON {\"token\": \"...\"}");
            }
        }
        if (auth != null && (token == null || !auth.accepts(token))) {
            if (form) {
                ctx.redirect("/login?failed=1", HttpStatus.SEE_OTHER);
                return;
            }
            throw new ApiException(401, "invalid token");
        }
        if (auth != null) {
            SignInSession.start(ctx, token);
        }
        if (form) {
            ctx.redirect("/", HttpStatus.SEE_OTHER);
        } else {
            ctx.status(204);
        }
    }

    /** Whether pages need a signed-in browser: a token is configured. */
    public boolean signInRequired() {
        return auth != null;
    }

    /** Whether the request presents an accepted token (by header or sign-in cookie), or none is needed. */
    public boolean signedIn(Context ctx) {
        if (auth == null) {
            return true;
        }
        try {
            return SignInSession.token(ctx).map(auth::accepts).orElse(false);
        } catch (ApiException e) {
            return false;
        }
    }

    private static String describe(HttpResponseException e) {
        return switch (e.getStatus()) {
            case 413 -> "request body too large";
            case 415 -> "unsupported media type";
            default -> e.getMessage();
        };
    }

    private static boolean safeReady(ReadinessCheck check) {
        try {
            return check.ready();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A route this server serves: the method and the path as declared ({@code /v1/operations/{id}}). */
    public record Endpoint(String method, String path) {
    }

    /** Every route served, in the order declared: for the API description's test, and answers like 405's Allow. */
    public List<Endpoint> endpoints() {
        return List.copyOf(endpoints);
    }

    public ApiServer add(Routes routes) {
        routes.addTo(app);
        return this;
    }

    /** Lets requests to the path send chunked bodies: its handler must bound what it reads itself. */
    public ApiServer allowChunkedBodies(String... paths) {
        chunkedBodyPaths.addAll(List.of(paths));
        return this;
    }

    public ApiServer addReadinessCheck(ReadinessCheck check) {
        checks.add(check);
        return this;
    }

    public ApiServer start() {
        app.start(settings.host(), settings.port());
        log.info("Listening on http://{}:{}", settings.host(), port());
        return this;
    }

    /** The bound port (useful when the settings asked for port 0). */
    public int port() {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    /** Stop answering /ready with 200 so load balancers drain us, before the server stops. */
    public void markStopping() {
        stopping = true;
    }

    @Override
    public void close() {
        stopping = true;
        app.stop();
    }
}

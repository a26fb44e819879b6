package io.scalemanager.core.web;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.access.Caller;
import io.scalemanager.core.access.Credentials;
import io.scalemanager.core.audit.AuditLog;
import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.net.HostPort;
import io.scalemanager.core.problem.DomainException;
import org.eclipse.jetty.http.HttpException;
import io.scalemanager.core.tls.ServerTlsContext;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Supplier;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server with what every component serves: {@code /health}, {@code /ready}, {@code /metrics}, JSON
 * errors from one exception mapper, bearer tokens on changes, request timing, and Jetty's limits on what one
 * client may cost ({@link HttpLimits}). Components add their {@link Routes} before {@link #start()}; the
 * all-in-one adds every component's routes to one server.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final String START_NANOS = "scalemanager.startNanos";
    /** Where a browser signs in (POST, a form or JSON with the token) and out (DELETE). */
    public static final String SESSION_PATH = "/v1/session";

    private final HttpSettings settings;
    private final PrometheusMeterRegistry registry;
    private final List<Routes> routes = new ArrayList<>();
    private final List<ReadinessCheck> checks = new ArrayList<>();
    private volatile AccessFilter access;
    private AuditLog audit;
    private final Map<String, Supplier<Object>> readyDetails = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();
    private volatile Javalin app;
    private ServerTlsContext tls;
    private volatile boolean stopping;

    public ApiServer(HttpSettings settings, PrometheusMeterRegistry registry) {
        this.settings = settings;
        this.registry = registry;
        this.access = new AccessFilter(new Credentials(settings.apiToken(), "api.token", Optional.empty()), null);
    }

    /** Adds a component's endpoints; only before {@link #start()}, since Javalin takes all routes up front. */
    public ApiServer add(Routes componentRoutes) {
        if (app != null) {
            throw new IllegalStateException("routes are added before the server starts");
        }
        routes.add(componentRoutes);
        return this;
    }

    /**
     * Who may do what: the server's tokens (api.token, the tokens file) and, when given, the audit trail, which
     * every changing request and refused token is written to and {@code GET /v1/audit} (admin) lists. Only
     * before {@link #start()}.
     */
    public ApiServer access(Credentials credentials, AuditLog audit) {
        if (app != null) {
            throw new IllegalStateException("access is set before the server starts");
        }
        this.access = new AccessFilter(credentials, audit);
        this.audit = audit;
        return this;
    }

    /** The caller a request was let through as, when it presented a token. */
    public static Optional<Caller> caller(Context ctx) {
        return AccessFilter.caller(ctx);
    }

    /** Adds a field to the body of {@code /ready}, such as the hash of the ruleset in use. */
    public ApiServer addReadyDetail(String name, Supplier<Object> value) {
        readyDetails.put(name, value);
        return this;
    }

    public ApiServer addReadinessCheck(ReadinessCheck check) {
        checks.add(check);
        return this;
    }

    public ApiServer start() {
        tls = settings.tls().map(ServerTlsContext::start).orElse(null);
        app = Javalin.create(this::configure);
        try {
            app.start();
        } catch (RuntimeException e) {
            if (tls != null) {
                tls.close();
            }
            throw e;
        }
        log.info("Listening on {}://{}", settings.scheme(), new HostPort(settings.host(), port()));
        return this;
    }

    private void configure(JavalinConfig config) {
        HttpLimits limits = settings.limits();
        config.startup.showJavalinBanner = false;
        config.events.handlerAdded(h -> {
            if (h.getHttpMethod().isHttpMethod()) {
                endpoints.add(new Endpoint(h.getHttpMethod().name(), h.getPath()));
            }
        });
        config.startup.showOldJavalinVersionWarning = false;
        config.concurrency.useVirtualThreads = false;
        config.http.maxRequestSize = settings.maxRequestBytes();
        // A known path asked with another method is a 405 naming the allowed ones, not a 404.
        config.http.prefer405over404 = true;
        config.jsonMapper(new JavalinJackson(Json.mapper(), false));
        JsonErrorHandler jettyErrors = new JsonErrorHandler(settings);
        config.jetty.modifyServer(server -> {
            server.setStopTimeout(10_000);
            server.setErrorHandler(jettyErrors);
        });
        config.jetty.modifyHttpConfiguration(h -> {
            // Jetty caches header values per connection and would otherwise match a cached bearer token
            // ignoring case; tokens are compared exactly.
            h.setHeaderCacheCaseSensitive(true);
            h.setRequestHeaderSize(limits.maxHeaderBytes());
        });
        config.jetty.addConnector((server, httpConfiguration) -> {
            ServerConnector connector;
            if (tls == null) {
                connector = new ServerConnector(server, new HttpConnectionFactory(httpConfiguration));
            } else {
                // Marks requests secure and hands the client's verified certificate to the access checks.
                httpConfiguration.addCustomizer(new SecureRequestCustomizer());
                HttpConnectionFactory http = new HttpConnectionFactory(httpConfiguration);
                connector = new ServerConnector(server,
                        new SslConnectionFactory(tls.factory(), http.getProtocol()), http);
            }
            connector.setHost(settings.host());
            connector.setPort(settings.port());
            connector.setIdleTimeout(limits.idleTimeout().toMillis());
            return connector;
        });
        // Jetty counts body bytes as they arrive, chunked or not, and fails the read past the limit with 413:
        // Javalin's own limit only looks at Content-Length.
        config.jetty.modifyServletContextHandler(context -> {
            context.setErrorHandler(jettyErrors);
            context.insertHandler(new SizeLimitHandler(settings.maxRequestBytes(), -1));
            context.insertHandler(new MinimumUploadRate(limits.minRequestBytesPerSecond()));
        });
        config.routes.before(ctx -> {
            ctx.attribute(START_NANOS, System.nanoTime());
            access.before(ctx);
        });
        config.routes.after(ctx -> {
            access.after(ctx);
            Long start = ctx.attribute(START_NANOS);
            if (start != null) {
                Timer.builder("scalemanager_http_requests")
                        .description("HTTP requests answered, by method, route and status")
                        .tag("method", ctx.method().name())
                        .tag("route", routeOf(ctx))
                        .tag("status", Integer.toString(ctx.statusCode()))
                        .register(registry)
                        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        });
        config.routes.exception(ApiException.class, (e, ctx) -> ctx.status(e.status()).json(e.body()));
        config.routes.exception(DomainException.class, (e, ctx) ->
                ctx.status(DomainErrors.status(e)).json(DomainErrors.body(e)));
        config.routes.exception(DatabaseException.class, (e, ctx) -> {
            log.warn("Database unavailable on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            ctx.status(503).header("Retry-After", "1")
                    .json(new ApiError("storage is unavailable now; try again shortly", List.of()));
        });
        config.routes.exception(MethodNotAllowedResponse.class, (e, ctx) -> {
            String allowed = String.join(", ", e.getDetails().values());
            ctx.status(405).header("Allow", allowed)
                    .json(new ApiError("method " + ctx.method() + " not allowed on " + ctx.path()
                            + "; allowed: " + allowed, List.of()));
        });
        config.routes.exception(HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus())
                .json(new ApiError(describe(e), List.of())));
        config.routes.exception(Exception.class, (e, ctx) -> {
            HttpException refused = jettyRefusal(e);
            if (refused != null) {
                // Jetty failed reading the body: past the size limit, or slower than the minimum rate.
                log.info("Refused {} {} from {}: {}", ctx.method(), ctx.path(), ctx.ip(), e.getMessage());
                ctx.status(refused.getCode()).header("Connection", "close")
                        .json(new ApiError(jettyErrors.describe(refused.getCode()), List.of()));
                return;
            }
            log.error("Unexpected error on {} {}", ctx.method(), ctx.path(), e);
            ctx.status(500).json(new ApiError("internal error; the server log has the details", List.of()));
        });
        config.routes.error(HttpStatus.NOT_FOUND, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty() || ctx.res().getContentType() == null
                    || !ctx.res().getContentType().contains("json")) {
                ctx.json(new ApiError("not found: " + ctx.method() + " " + ctx.path(), List.of()));
            }
        });
        config.routes.get("/health", ctx -> ctx.json(new Health(stopping ? "stopping" : "ok")));
        config.routes.get("/ready", ctx -> {
            Map<String, String> status = new LinkedHashMap<>();
            boolean ready = !stopping;
            for (ReadinessCheck check : checks) {
                boolean ok = safeReady(check);
                status.put(check.name(), ok ? "ok" : "unavailable");
                ready &= ok;
            }
            Map<String, Object> details = new LinkedHashMap<>();
            readyDetails.forEach((name, value) -> details.put(name, value.get()));
            ctx.status(ready ? 200 : 503).json(new Readiness(ready, status, details));
        });
        config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(registry.scrape()));
        config.routes.get(WhoAmI.PATH, ctx -> ctx.json(WhoAmI.of(AccessFilter.caller(ctx))));
        config.routes.post(SESSION_PATH, this::signIn);
        config.routes.delete(SESSION_PATH, ctx -> {
            SignInSession.end(ctx);
            ctx.status(204);
        });
        if (audit != null) {
            AuditLog trail = audit;
            config.routes.get(AccessFilter.AUDIT_PATH, ctx -> {
                QueryParams params = new QueryParams(ctx);
                long since = params.wholeLong("since", 0, 0, Long.MAX_VALUE / 1000, "");
                int limit = params.whole("limit", 100, 1, 10_000);
                ctx.json(new AuditEntries(trail.list(since, limit)));
            });
        }
        for (Routes r : routes) {
            r.addTo(config.routes, settings);
        }
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
                throw DomainException.Malformed.field("token", "send a form field token or JSON {\"token\": \"...\"}");
            }
        }
        if (token == null || !access.accepts(token)) {
            if (form) {
                ctx.redirect("/login?failed=1", HttpStatus.SEE_OTHER);
                return;
            }
            throw new ApiException(401, "invalid token");
        }
        SignInSession.start(ctx, token);
        if (form) {
            ctx.redirect("/", HttpStatus.SEE_OTHER);
        } else {
            ctx.status(204);
        }
    }

    /**
     * Whether pages need a signed-in browser: where reads need a token (a tokens file is configured). Changes
     * always need one; a browser that has not signed in sees the pages and is refused its changes.
     */
    public boolean signInRequired() {
        return access.readsNeedToken();
    }

    /** Whether the request presents an accepted token (by header or sign-in cookie), or none is needed. */
    public boolean signedIn(Context ctx) {
        if (!access.readsNeedToken()) {
            return true;
        }
        try {
            return SignInSession.token(ctx).map(access::accepts).orElse(false);
        } catch (ApiException e) {
            return false;
        }
    }

    /** The matched route's pattern, so paths with ids do not each make a new timer. */
    private static String routeOf(Context ctx) {
        io.javalin.router.Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
        return endpoint == null ? "unmatched" : endpoint.path;
    }

    /** The Jetty failure behind {@code e}, if Jetty refused the request's body; else null. */
    private static HttpException jettyRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
                return http;
            }
        }
        return null;
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

    /** Every route served, in the order declared: for the API description's test. Known once started. */
    public List<Endpoint> endpoints() {
        return List.copyOf(endpoints);
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
        if (app != null) {
            app.stop();
        }
        if (tls != null) {
            tls.close();
        }
    }

    /** Answer of {@code GET /health}: "ok", or "stopping" once shutdown began. */
    record Health(String status) {
    }

    /**
     * Answer of {@code GET /ready}: whether every check passes, each check by name ("ok" or "unavailable"), and the
     * details the wiring added ({@link #addReadyDetail}) as fields of their own beside those two.
     */
    record Readiness(boolean ready, Map<String, String> checks,
                     @JsonIgnore Map<String, Object> details) {
        @JsonAnyGetter
        Map<String, Object> detailFields() {
            return details;
        }
    }

    /** Answer of {@code GET /v1/audit}. */
    record AuditEntries(List<AuditLog.Entry> entries) {
    }
}

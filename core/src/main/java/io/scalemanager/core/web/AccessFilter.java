package io.scalemanager.core.web;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.scalemanager.core.access.Caller;
import io.scalemanager.core.access.Credentials;
import io.scalemanager.core.access.Scope;
import io.scalemanager.core.audit.AuditLog;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Who may do what (CONTRACT.md, "Access"), checked before every route: a token from {@code Authorization: Bearer}
 * (or a signed-in browser's cookie with its CSRF header, {@link SignInSession}, or a verified client certificate,
 * {@link ClientCertificate}) names a {@link Caller}; changing requests always need one, also on loopback (a server
 * with no token configured accepts no change at all: {@code run} and {@code demo} generate an admin token for that
 * reason), reads need one when a tokens file is;
 * {@code /health} and {@code /ready} stay open. Checked in this order: 401 no or unknown token, 403 missing scope
 * or a foreign {@code Origin}, 415 a body that is not JSON. Refusals and changing requests go to the audit trail.
 */
final class AccessFilter {
    static final String AUDIT_PATH = "/v1/audit";
    private static final String CALLER = "scalemanager.caller";
    private static final String AUDITED = "scalemanager.audited";
    private static final Set<HandlerType> READS = Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);
    private static final Set<String> OPEN = Set.of("/health", "/ready");
    /**
     * The dashboard's sign-in form, its page (which sends a browser that is not signed in to the form itself) and
     * its script and style files hold no data, and a browser needs them before it has a token: open even where
     * reads need a token (a tokens file), or nobody could sign in.
     */
    private static final Set<String> DASHBOARD_SHELL = Set.of("/", "/login");
    private static final String DASHBOARD_FILES = "/ui/";
    private static final Set<String> INGEST = Set.of("/v1/states", "/v1/state");

    private final Credentials credentials;
    private final AuditLog audit;

    AccessFilter(Credentials credentials, AuditLog audit) {
        this.credentials = credentials;
        this.audit = audit;
    }

    /** The caller the filter let through, for routes that check more (the collector: ingest globs). */
    static Optional<Caller> caller(Context ctx) {
        return Optional.ofNullable(ctx.attribute(CALLER));
    }

    static boolean changing(Context ctx) {
        return !READS.contains(ctx.method());
    }

    void before(Context ctx) {
        String path = ctx.path();
        boolean changing = changing(ctx);
        if (OPEN.contains(path) || !changing && (DASHBOARD_SHELL.contains(path) || path.startsWith(DASHBOARD_FILES))) {
            return;
        }
        if (path.equals(ApiServer.SESSION_PATH)) {
            // Signing in checks the token itself; only its origin is checked here.
            if (changing) {
                guard(ctx, Caller.ANONYMOUS, () -> SignInSession.checkOrigin(ctx));
            }
            return;
        }
        Optional<String> token = guard(ctx, Caller.ANONYMOUS, () -> SignInSession.token(ctx));
        Caller caller;
        if (token.isPresent()) {
            Optional<Caller> known = credentials.any() ? credentials.identify(token.get()) : Optional.empty();
            if (known.isEmpty()) {
                throw refuse(ctx, Caller.ANONYMOUS, 401, "unknown token", "invalid bearer token");
            }
            caller = known.get();
        } else if (changing && ClientCertificate.caller(ctx).isPresent()) {
            // An agent's verified certificate: ingest for the instance in its CN, and nothing else. Reads are
            // left to tokens: a certificate could only ever be refused one.
            caller = ClientCertificate.caller(ctx).get();
        } else if (changing) {
            throw refuse(ctx, Caller.ANONYMOUS, 401, "no token", credentials.any()
                    ? "missing bearer token: send 'Authorization: Bearer <token>'"
                    : "missing bearer token: this server has no token configured, so it accepts no change; "
                    + "set api.token or api.tokens");
        } else if (!changing && (credentials.hasTokenFile() || path.startsWith(AUDIT_PATH))) {
            throw refuse(ctx, Caller.ANONYMOUS, 401, "no token",
                    "missing bearer token: " + (path.startsWith(AUDIT_PATH) ? "the audit trail needs scope 'admin'"
                            : "reads need a token with scope 'read'"));
        } else {
            caller = null; // a read, open on this server
        }
        if (caller != null) {
            Scope needed = changing ? (INGEST.contains(path) ? Scope.INGEST : Scope.OPERATE)
                    : path.startsWith(AUDIT_PATH) ? Scope.ADMIN : Scope.READ;
            if (!caller.may(needed)) {
                throw refuse(ctx, caller.name(), 403, "token lacks scope " + needed.wireName(),
                        "token '" + caller.name() + "' does not have scope '" + needed.wireName() + "'");
            }
            ctx.attribute(CALLER, caller);
        }
        if (changing) {
            guard(ctx, caller.name(), () -> SignInSession.checkOrigin(ctx));
            if (!INGEST.contains(path)) {
                requireJsonBody(ctx); // the collector checks (and counts) its own
            }
        }
    }

    /** Whether the token is one this server accepts (signing a browser in). */
    boolean accepts(String token) {
        return credentials.any() && credentials.identify(token).isPresent();
    }

    boolean readsNeedToken() {
        return credentials.hasTokenFile();
    }

    private <T> T guard(Context ctx, String who, java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (ApiException e) {
            audit(ctx, who, "refused: " + e.getMessage());
            throw e;
        }
    }

    private void guard(Context ctx, String who, Runnable check) {
        guard(ctx, who, () -> {
            check.run();
            return null;
        });
    }

    /** A changing request with a body must declare JSON; no Content-Type at all is JSON, as old agents send. */
    private static void requireJsonBody(Context ctx) {
        boolean hasBody = ctx.req().getContentLengthLong() > 0 || ctx.header("Transfer-Encoding") != null;
        String type = ctx.req().getContentType();
        if (!hasBody || type == null || type.isBlank()) {
            return;
        }
        int semicolon = type.indexOf(';');
        String media = (semicolon < 0 ? type : type.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json") && !(media.endsWith("+json") && media.indexOf('/') > 0)) {
            throw new ApiException(415, "unsupported media type '" + type.strip()
                    + "'; send Content-Type: application/json");
        }
    }

    private ApiException refuse(Context ctx, String who, int status, String reason, String message) {
        audit(ctx, who, "refused: " + reason);
        return new ApiException(status, message);
    }

    /** After the route: a changing request (not ingestion, which is counted, not audited) or a refusal. */
    void after(Context ctx) {
        if (audit == null || Boolean.TRUE.equals(ctx.attribute(AUDITED)) || OPEN.contains(ctx.path())) {
            return;
        }
        int status = ctx.statusCode();
        boolean refusedByRoute = status == 401 || status == 403;
        if (!(changing(ctx) && !INGEST.contains(ctx.path())) && !refusedByRoute) {
            return;
        }
        String who = caller(ctx).map(Caller::name).orElse(Caller.ANONYMOUS);
        audit(ctx, who, status < 400 ? "ok" : "refused: HTTP " + status + reason(ctx));
    }

    private static String reason(Context ctx) {
        String body = ctx.result();
        if (body == null || body.isEmpty()) {
            return "";
        }
        int at = body.indexOf("\"error\":\"");
        if (at < 0) {
            return "";
        }
        int end = body.indexOf('"', at + 9);
        return " " + body.substring(at + 9, end < 0 ? body.length() : end);
    }

    private void audit(Context ctx, String who, String result) {
        ctx.attribute(AUDITED, true);
        if (audit == null) {
            return;
        }
        String route = routeOf(ctx);
        String action = ctx.method().name() + " " + (route == null || route.isEmpty() || route.equals("*")
                ? ctx.path() : route);
        audit.record(who, ctx.ip(), action, target(ctx), result);
    }

    /** The matched route; before the route is matched (a refusal in a before-handler) there is none. */
    private static String routeOf(Context ctx) {
        try {
            io.javalin.router.Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
            return endpoint == null ? null : endpoint.path;
        } catch (IllegalStateException e) {
            return null;
        }
    }

    private static String target(Context ctx) {
        String instance;
        try {
            instance = ctx.pathParamMap().get("instance");
        } catch (IllegalStateException e) {
            instance = null;
        }
        if (instance == null) {
            instance = ctx.queryParam("instance");
        }
        if (instance != null) {
            return instance;
        }
        String query = ctx.queryString();
        return ctx.path() + (query == null ? "" : "?" + query);
    }
}

package io.scalemanager.dashboard.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.scalemanager.core.problem.DomainException;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.core.web.Routes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The dashboard's pages and assets: {@code GET /} (the single page, its views chosen by the URL's fragment),
 * {@code GET /login} (the sign-in form, when a token is configured) and {@code GET /ui/FILE} (its script, style and
 * uPlot, all from this jar: nothing from elsewhere). Every page carries a Content-Security-Policy that allows
 * scripts, styles and requests from this server only, so even an instance id that slipped past escaping could not
 * run a script.
 */
public final class DashboardRoutes implements Routes {
    /** Scripts only from files of this server, no inline script, no eval; no frames; forms post here only. */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";

    /** A file served as it is, with its content type and a strong ETag. */
    private record Asset(byte[] body, String contentType, String etag) {
    }

    private final Predicate<Context> signedIn;
    private final boolean signInRequired;
    private final Map<String, Asset> assets;
    private final Asset index;
    private final Asset login;

    /**
     * @param signInRequired whether a token is configured, so pages need a signed-in browser
     * @param signedIn       whether a request presents an accepted token (the sign-in cookie)
     */
    public DashboardRoutes(boolean signInRequired, Predicate<Context> signedIn) {
        this.signInRequired = signInRequired;
        this.signedIn = signedIn;
        this.assets = Map.of(
                "app.js", load("dashboard/app.js", "text/javascript; charset=utf-8"),
                "charts.js", load("dashboard/charts.js", "text/javascript; charset=utf-8"),
                "app.css", load("dashboard/app.css", "text/css; charset=utf-8"),
                "uPlot.min.js", load(UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"),
                "uPlot.min.css", load(UPLOT + "uPlot.min.css", "text/css; charset=utf-8"));
        this.index = load("dashboard/index.html", "text/html; charset=utf-8");
        this.login = load("dashboard/login.html", "text/html; charset=utf-8");
    }

    @Override
    public void addTo(RoutesConfig routes, HttpSettings http) {
        routes.get("/", ctx -> {
            if (signInRequired && !signedIn.test(ctx)) {
                ctx.redirect("/login", HttpStatus.SEE_OTHER);
                return;
            }
            page(ctx, index);
        });
        routes.get("/login", ctx -> page(ctx, login));
        routes.get("/ui/{file}", ctx -> {
            Asset a = assets.get(ctx.pathParam("file"));
            if (a == null) {
                throw new DomainException.NotFound("no dashboard file " + ctx.pathParam("file"));
            }
            serve(ctx, a);
        });
    }

    private static void page(Context ctx, Asset a) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Frame-Options", "DENY");
        // Not no-referrer: with it browsers send "Origin: null" on form posts, which the server refuses.
        ctx.header("Referrer-Policy", "same-origin");
        serve(ctx, a);
    }

    private static void serve(Context ctx, Asset a) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-cache");
        ctx.header("ETag", a.etag());
        if (a.etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType(a.contentType()).result(a.body());
    }

    private static Asset load(String resource, String contentType) {
        try (InputStream in = DashboardRoutes.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's file " + resource + " is missing from the jar");
            }
            byte[] body = in.readAllBytes();
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
            return new Asset(body, contentType, "\"" + HexFormat.of().formatHex(hash, 0, 12) + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

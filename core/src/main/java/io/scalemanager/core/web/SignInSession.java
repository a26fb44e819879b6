package io.scalemanager.core.web;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HandlerType;
import io.javalin.http.SameSite;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The browser's way to present an API token: the dashboard's sign-in form posts the token once, and the browser
 * keeps it in an HttpOnly, SameSite=Strict cookie that scripts cannot read. A request that changes something with
 * that cookie must also send the CSRF token (header {@value #CSRF_HEADER}) equal to the script-readable cookie
 * {@value #CSRF_COOKIE} set at sign-in (a double-submit token): another site can make a browser send the cookies,
 * but it can neither read the CSRF cookie nor set the header. Agents and scripts keep sending
 * {@code Authorization: Bearer}.
 */
public final class SignInSession {
    public static final String TOKEN_COOKIE = "sm_token";
    public static final String CSRF_COOKIE = "sm_csrf";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Set<HandlerType> READS = Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_AGE_SECONDS = 12 * 3600;

    private SignInSession() {
    }

    static boolean isRead(Context ctx) {
        return READS.contains(ctx.method());
    }

    /**
     * The token the request presents: its bearer header, or else its sign-in cookie. A changing request presenting
     * the cookie without the matching CSRF header is refused with 403.
     */
    static Optional<String> token(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null) {
            if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new ApiException(401, "missing bearer token: send 'Authorization: Bearer <token>'");
            }
            return Optional.of(header.substring(7).trim());
        }
        String cookie = ctx.cookie(TOKEN_COOKIE);
        if (cookie == null || cookie.isEmpty()) {
            return Optional.empty();
        }
        if (!isRead(ctx)) {
            checkCsrf(ctx);
        }
        return Optional.of(URLDecoder.decode(cookie, StandardCharsets.UTF_8));
    }

    /** Refuses a changing request whose CSRF header does not match its CSRF cookie. */
    static void checkCsrf(Context ctx) {
        String expected = ctx.cookie(CSRF_COOKIE);
        String given = ctx.header(CSRF_HEADER);
        if (expected == null || given == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(403, "cross-site request refused: a signed-in browser's change needs the "
                    + CSRF_HEADER + " header from the " + CSRF_COOKIE + " cookie");
        }
    }

    /**
     * Refuses a request whose {@code Origin} header names another site than the one it was sent to ({@code null}
     * included); a request without the header (agents, curl) passes.
     */
    static void checkOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return;
        }
        String host = ctx.header("Host");
        try {
            URI o = URI.create(origin);
            String own = ctx.scheme() + "://" + host;
            if (o.getScheme() != null && o.getHost() != null && URI.create(own).equals(URI.create(
                    o.getScheme() + "://" + o.getRawAuthority()))) {
                return;
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw new ApiException(403, "cross-site request refused: Origin " + origin + " is not this server");
    }

    /** Sets the sign-in cookies for the token; Secure when the request came over TLS. */
    static void start(Context ctx, String token) {
        boolean secure = "https".equals(ctx.scheme());
        // Encoded: a token may hold characters a cookie value cannot.
        Cookie session = new Cookie(TOKEN_COOKIE, URLEncoder.encode(token, StandardCharsets.UTF_8), "/", MAX_AGE_SECONDS,
                secure, true, null, SameSite.STRICT);
        Cookie csrf = new Cookie(CSRF_COOKIE, HexFormat.of().formatHex(randomBytes()), "/", MAX_AGE_SECONDS,
                secure, false, null, SameSite.STRICT);
        ctx.cookie(session);
        ctx.cookie(csrf);
    }

    /** Clears the sign-in cookies. */
    static void end(Context ctx) {
        for (String name : new String[]{TOKEN_COOKIE, CSRF_COOKIE}) {
            ctx.cookie(new Cookie(name, "", "/", 0, "https".equals(ctx.scheme()), !name.equals(CSRF_COOKIE),
                    null, SameSite.STRICT));
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return b;
    }
}

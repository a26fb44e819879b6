package io.scalemanager.core.web;

import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Requires the API token on every request that can change something: {@code Authorization: Bearer TOKEN}, or a
 * signed-in browser's cookie with its CSRF header ({@link SignInSession}).
 */
final class BearerTokenAuth {
    private final byte[] token;

    BearerTokenAuth(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    void check(Context ctx) {
        if (SignInSession.isRead(ctx)) {
            return;
        }
        Optional<String> given = SignInSession.token(ctx);
        if (given.isEmpty()) {
            throw new ApiException(401, "missing bearer token: send 'Authorization: Bearer <token>'");
        }
        if (!accepts(given.get())) {
            throw new ApiException(401, "invalid bearer token");
        }
    }

    /** Whether the token is this server's; compared in constant time, so it cannot be guessed byte by byte. */
    boolean accepts(String given) {
        return MessageDigest.isEqual(given.trim().getBytes(StandardCharsets.UTF_8), token);
    }
}

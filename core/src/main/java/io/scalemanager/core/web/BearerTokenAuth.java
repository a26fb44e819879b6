package io.scalemanager.core.web;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/** Requires {@code Authorization: Bearer TOKEN} on every request that can change something. */
final class BearerTokenAuth {
    private static final Set<HandlerType> READS = Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);

    private final byte[] token;

    BearerTokenAuth(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    void check(Context ctx) {
        if (READS.contains(ctx.method())) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, "missing bearer token: send 'Authorization: Bearer <token>'");
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        // Constant-time comparison, so the token cannot be guessed byte by byte from response times.
        if (!MessageDigest.isEqual(given, token)) {
            throw new ApiException(401, "invalid bearer token");
        }
    }
}

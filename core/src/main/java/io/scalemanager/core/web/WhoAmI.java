package io.scalemanager.core.web;

import io.scalemanager.core.access.Caller;
import io.scalemanager.core.access.Scope;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v1/whoami}: the caller a request was let through as and what it may do, so the dashboard can disable
 * the controls the signed-in token may not use instead of letting them fail with 403.
 *
 * @param name     the token's name (or a client certificate's CN); {@code anonymous} for a read without a token,
 *                 which a server without a tokens file lets through
 * @param scopes   the scopes as configured for the token; empty for {@code anonymous}
 * @param may      the scopes in effect, with what they imply ({@code admin} every one, {@code operate} read):
 *                 what the dashboard checks
 * @param instances the instances the token may post states for ({@code ingest}); null without ingest
 */
public record WhoAmI(String name, List<String> scopes, List<String> may, String instances) {
    static final String PATH = "/v1/whoami";

    /** What the caller may do; no caller is a read without a token, let through because reads are open here. */
    static WhoAmI of(Optional<Caller> caller) {
        if (caller.isEmpty()) {
            return new WhoAmI(Caller.ANONYMOUS, List.of(), List.of(Scope.READ.wireName()), null);
        }
        Caller c = caller.get();
        List<String> scopes = new ArrayList<>();
        List<String> may = new ArrayList<>();
        for (Scope s : Scope.values()) {
            if (c.scopes().contains(s)) {
                scopes.add(s.wireName());
            }
            if (c.may(s)) {
                may.add(s.wireName());
            }
        }
        return new WhoAmI(c.name(), scopes, may, c.may(Scope.INGEST) ? c.instances().text() : null);
    }
}

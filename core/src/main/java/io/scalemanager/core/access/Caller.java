package io.scalemanager.core.access;

import io.scalemanager.core.pattern.InstancePattern;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who made a request: the name of its token (or the CN of its client certificate), what it may do, and for
 * {@code ingest} which instances it may report for.
 */
public record Caller(String name, Set<Scope> scopes, InstancePattern instances) {
    public static final String ANONYMOUS = "anonymous";

    public Caller {
        scopes = scopes.isEmpty() ? Set.of() : EnumSet.copyOf(scopes);
    }

    public static Caller admin(String name) {
        return new Caller(name, EnumSet.of(Scope.ADMIN), InstancePattern.ANY);
    }

    public static Caller anonymous() {
        return new Caller(ANONYMOUS, Set.of(), InstancePattern.ANY);
    }

    /** Admin implies every scope; operate implies read. */
    public boolean may(Scope scope) {
        return scopes.contains(Scope.ADMIN) || scopes.contains(scope)
                || scope == Scope.READ && scopes.contains(Scope.OPERATE);
    }

    /** Whether it may post states of this instance. */
    public boolean mayIngest(String instance) {
        return scopes.contains(Scope.ADMIN) || scopes.contains(Scope.INGEST) && instances.matches(instance);
    }
}

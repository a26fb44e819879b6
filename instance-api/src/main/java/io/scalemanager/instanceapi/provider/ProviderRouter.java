package io.scalemanager.instanceapi.provider;

import io.scalemanager.core.operation.ResizeResult;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.RestartPolicy;
import io.scalemanager.core.sizing.Size;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

/**
 * Sends each instance to the provider of the first route whose pattern matches its id (in file order), so one
 * installation can drive a libvirt host and a hoster's API at once. An instance no route matches is unknown.
 */
public final class ProviderRouter implements Provider, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProviderRouter.class);

    /** One line of the providers file: instances matching {@code pattern} go to {@code provider}. */
    public record Route(InstancePattern pattern, String name, Provider provider) {
    }

    private final List<Route> routes;

    public ProviderRouter(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    public List<Route> routes() {
        return routes;
    }

    /** The route that serves the instance, if any. */
    public Optional<Route> routeFor(String instance) {
        for (Route r : routes) {
            if (r.pattern().matches(instance)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<Size> currentSize(String instance) {
        return routeFor(instance).flatMap(r -> r.provider().currentSize(instance));
    }

    @Override
    public String sizeSource(String instance) {
        return routeFor(instance).map(r -> r.provider().sizeSource(instance)).orElse("provider");
    }

    @Override
    public ResizeResult.Made resize(String instance, Component component, long newValue, RestartPolicy restart) {
        Route route = routeFor(instance).orElseThrow(() ->
                new ProviderException("no provider is configured for instance '" + instance + "'"));
        return route.provider().resize(instance, component, newValue, restart);
    }

    @Override
    public void close() {
        for (Route r : routes) {
            if (r.provider() instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    log.warn("Error while closing provider {}: {}", r.name(), e.getMessage());
                }
            }
        }
    }
}

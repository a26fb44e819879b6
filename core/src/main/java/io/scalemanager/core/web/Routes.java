package io.scalemanager.core.web;

import io.javalin.config.RoutesConfig;

/** The HTTP endpoints of one component. Each component declares its routes in one place. */
public interface Routes {
    /**
     * Declares the endpoints; called once, while the server is configured and before it starts.
     *
     * @param routes where the endpoints are declared
     * @param http   the server's settings, for routes that bound what they read themselves
     */
    void addTo(RoutesConfig routes, HttpSettings http);
}

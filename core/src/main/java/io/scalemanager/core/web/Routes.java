package io.scalemanager.core.web;

import io.javalin.Javalin;

/** The HTTP endpoints of one component. Each component declares its routes in one place. */
public interface Routes {
    void addTo(Javalin app);
}

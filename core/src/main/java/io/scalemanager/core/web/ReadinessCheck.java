package io.scalemanager.core.web;

/** A dependency that {@code GET /ready} asks: the database, the queue, another component. */
public interface ReadinessCheck {
    String name();

    /** True when the dependency answers now. Must return within a second or two. */
    boolean ready();
}

package io.scalemanager.core.web;

import io.scalemanager.core.problem.DomainException;

/**
 * The one mapping from a service's {@link DomainException} to HTTP: its status and the contract's JSON error body.
 * {@link ApiServer} registers it as the exception mapper; a handler answering an asynchronous failure itself uses
 * the same two methods.
 */
public final class DomainErrors {
    private DomainErrors() {
    }

    /** 400 malformed, 422 invalid, 404 not found, 409 conflict, 413 too large, 503 unavailable. */
    public static int status(DomainException e) {
        if (e instanceof DomainException.Malformed) {
            return 400;
        } else if (e instanceof DomainException.Invalid) {
            return 422;
        } else if (e instanceof DomainException.NotFound) {
            return 404;
        } else if (e instanceof DomainException.Conflict) {
            return 409;
        } else if (e instanceof DomainException.TooLarge) {
            return 413;
        } else if (e instanceof DomainException.Unavailable) {
            return 503;
        }
        throw new IllegalStateException("no status for " + e.getClass().getName());
    }

    public static ApiError body(DomainException e) {
        return new ApiError(e.getMessage(), e.details());
    }
}

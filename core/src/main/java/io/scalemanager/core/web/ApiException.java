package io.scalemanager.core.web;

import java.util.List;

/**
 * Thrown by handlers and the code they call to answer with an HTTP error. The one exception mapper turns it
 * into a status and an {@link ApiError} body, so no handler formats errors itself.
 */
public class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final List<FieldError> details;

    public ApiException(int status, String message) {
        this(status, message, List.of());
    }

    public ApiException(int status, String message, List<FieldError> details) {
        super(message, null, false, false);
        this.status = status;
        this.details = List.copyOf(details);
    }

    public int status() {
        return status;
    }

    public List<FieldError> details() {
        return details;
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, "invalid " + field + ": " + message, List.of(FieldError.of(field, message)));
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public ApiError body() {
        return new ApiError(getMessage(), details);
    }
}

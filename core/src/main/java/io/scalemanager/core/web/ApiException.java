package io.scalemanager.core.web;

import java.util.List;

/**
 * An HTTP refusal that is the edge's own concern, with no word for it in the domain: a missing or wrong token
 * (401/403), a media type or encoding the server does not read (415), a body over the size limit (413), a rate or
 * load limit of this server (429), the original {@code POST /instance}'s 406. Everything a service or a request's
 * content can be refused for is a {@link io.scalemanager.core.problem.DomainException} (query parameters through
 * {@link QueryParams}), turned into HTTP by {@link DomainErrors}; both end as an {@link ApiError} body.
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

    public ApiError body() {
        return new ApiError(getMessage(), details);
    }
}

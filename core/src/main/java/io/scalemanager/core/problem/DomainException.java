package io.scalemanager.core.problem;

import io.scalemanager.core.web.FieldError;

import java.util.List;

/**
 * What a service throws when it cannot do what was asked, in the domain's words: the request is malformed or
 * invalid, the thing asked for does not exist, conflicts with one under way, is too large, or cannot be served now.
 * Services know no HTTP; the one mapper in {@code ApiServer} ({@code core.web.DomainErrors}) turns each kind into
 * its status and the contract's JSON error body, with the fields named in {@link #details}.
 */
public abstract sealed class DomainException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<FieldError> details;

    DomainException(String message, List<FieldError> details) {
        super(message, null, false, false);
        this.details = List.copyOf(details);
    }

    /** The fields at fault, each with what is wrong; empty where the whole request is. */
    public List<FieldError> details() {
        return details;
    }

    /** Not readable as a request at all: bad JSON, the wrong shape, a parameter that is not a number. */
    public static final class Malformed extends DomainException {
        private static final long serialVersionUID = 1L;

        public Malformed(String message) {
            super(message, List.of());
        }

        public Malformed(String message, List<FieldError> details) {
            super(message, details);
        }

        /** One field at fault: "invalid FIELD: MESSAGE". */
        public static Malformed field(String field, String message) {
            return new Malformed("invalid " + field + ": " + message, List.of(FieldError.of(field, message)));
        }
    }

    /** Readable, but not something that can be done: a value out of range, a limit crossed. */
    public static final class Invalid extends DomainException {
        private static final long serialVersionUID = 1L;

        public Invalid(String message, List<FieldError> details) {
            super(message, details);
        }
    }

    /** What the request names does not exist. */
    public static final class NotFound extends DomainException {
        private static final long serialVersionUID = 1L;

        public NotFound(String message) {
            super(message, List.of());
        }
    }

    /** Something under way on the same thing must end first. */
    public static final class Conflict extends DomainException {
        private static final long serialVersionUID = 1L;

        public Conflict(String message) {
            super(message, List.of());
        }
    }

    /** More than a request may carry. */
    public static final class TooLarge extends DomainException {
        private static final long serialVersionUID = 1L;

        public TooLarge(String message, List<FieldError> details) {
            super(message, details);
        }
    }

    /** A part this depends on does not answer now; trying again later may work. */
    public static final class Unavailable extends DomainException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message) {
            super(message, List.of());
        }
    }
}

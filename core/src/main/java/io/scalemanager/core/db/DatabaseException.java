package io.scalemanager.core.db;

/** A database operation failed; callers answer 503 or retry rather than lose data. */
public class DatabaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}

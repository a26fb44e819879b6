package io.scalemanager.history.ingest;

/** The states were not stored: the database failed, the writer is stopping, or it did not get to them in time. */
public class WriteUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WriteUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

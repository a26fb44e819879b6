package io.scalemanager.manager.command;

/**
 * The instance API did not carry out a request. Retryable failures (unreachable, 5xx, 409 busy, 429) may
 * succeed later; the others (404 unknown instance, 422 out of bounds) will not.
 */
public class CommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;
    private final int status;

    public CommandException(boolean retryable, int status, String message) {
        super(message, null, false, false);
        this.retryable = retryable;
        this.status = status;
    }

    public boolean retryable() {
        return retryable;
    }

    public int status() {
        return status;
    }
}

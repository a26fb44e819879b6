package io.scalemanager.collector;

/**
 * Thrown by a {@link StateSink} that cannot durably store states now (storage or queue down, full, or too slow
 * to confirm). The agent keeps the states and retries, so the message should say what is unavailable.
 */
public class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;


    public StoreUnavailableException(String message) {
        super(message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

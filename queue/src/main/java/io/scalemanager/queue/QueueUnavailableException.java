package io.scalemanager.queue;

/** The queue cannot take events now (stopping, or consumers too far behind for too long). */
public class QueueUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QueueUnavailableException(String message) {
        super(message);
    }
}

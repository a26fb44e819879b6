package io.scalemanager.queue;

/** The queue cannot take events now (stopping, or consumers too far behind for too long). */
public class QueueUnavailableException extends RuntimeException {
    public QueueUnavailableException(String message) {
        super(message);
    }
}

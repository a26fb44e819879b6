package io.scalemanager.queue.kafka;

/** A record value that is not an event this version can read: unknown version, truncated or garbage. */
public class MalformedEventException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedEventException(String message) {
        super(message);
    }
}

package io.scalemanager.server.wiring;

/** The server cannot start as configured; the message says why in terms of the configuration. */
public class StartupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StartupException(String message) {
        super(message, null, false, false);
    }
}

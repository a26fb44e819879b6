package io.scalemanager.manager.alert.channel;

/** A channel did not take a notification; the message says why (never with a secret in it). */
public class DeliveryException extends Exception {
    private static final long serialVersionUID = 1L;

    public DeliveryException(String message) {
        super(message);
    }

    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}

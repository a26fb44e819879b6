package io.scalemanager.instanceapi.provider;

/** A {@link Provider} could not do what was asked; the message is shown to users as the operation's error. */
public class ProviderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProviderException(String message) {
        super(message);
    }

    public ProviderException(String message, Throwable cause) {
        super(message, cause);
    }
}

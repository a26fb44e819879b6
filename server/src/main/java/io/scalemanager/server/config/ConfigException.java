package io.scalemanager.server.config;

/** The configuration is wrong; the message names the key, where its value came from and what is expected. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message, null, false, false);
    }
}

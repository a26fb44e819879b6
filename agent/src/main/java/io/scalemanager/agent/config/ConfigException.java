package io.scalemanager.agent.config;

/** A bad option: the message names the option, where its value came from, and what was expected. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}

package io.scalemanager.agent.config;

/** A bad option: the message names the option, where its value came from, and what was expected. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}

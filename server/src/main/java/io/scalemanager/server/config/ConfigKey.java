package io.scalemanager.server.config;

import java.util.Locale;

/**
 * One setting: its key in the YAML file, its environment variable, its default (null: none) and what it is.
 * Secret keys never have their value printed.
 */
public record ConfigKey(String key, String env, String defaultValue, boolean secret, String description) {

    static ConfigKey of(String key, String defaultValue, String description) {
        return new ConfigKey(key, envName(key), defaultValue, false, description);
    }

    static ConfigKey secret(String key, String description) {
        return new ConfigKey(key, envName(key), null, true, description);
    }

    ConfigKey withEnv(String env) {
        return new ConfigKey(key, env, defaultValue, secret, description);
    }

    static String envName(String key) {
        return "SCALEMANAGER_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}

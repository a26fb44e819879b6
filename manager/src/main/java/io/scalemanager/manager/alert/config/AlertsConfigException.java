package io.scalemanager.manager.alert.config;

import java.util.List;

/** The alerts file is invalid; each error names the file, the line and the key. */
public final class AlertsConfigException extends Exception {
    private final List<String> errors;

    public AlertsConfigException(List<String> errors) {
        super(String.join("\n", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}

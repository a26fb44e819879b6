package io.scalemanager.instanceapi.provider.config;

import java.util.List;

/** The providers file is invalid; every error names the file, the line and the key. */
public final class ProvidersException extends Exception {
    private final List<String> errors;

    public ProvidersException(List<String> errors) {
        super(String.join("\n", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}

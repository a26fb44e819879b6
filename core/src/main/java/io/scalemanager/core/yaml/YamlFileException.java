package io.scalemanager.core.yaml;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration file that cannot be used, with every problem found in it in line order; the message lists them
 * one per line. Each kind of file has its own subclass so that callers can tell them apart.
 */
public class YamlFileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<YamlError> errors;

    public YamlFileException(List<YamlError> errors) {
        super(errors.stream().map(YamlError::toString).collect(Collectors.joining("\n")), null, false, false);
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a " + getClass().getSimpleName() + " needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    /** The problems in line order. */
    public List<YamlError> errors() {
        return errors;
    }
}

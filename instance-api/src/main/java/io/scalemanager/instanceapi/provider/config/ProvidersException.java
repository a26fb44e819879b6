package io.scalemanager.instanceapi.provider.config;

import io.scalemanager.core.yaml.YamlError;
import io.scalemanager.core.yaml.YamlFileException;

import java.util.List;

/** The providers file is invalid; every error names the file, the line and the route. */
public final class ProvidersException extends YamlFileException {
    private static final long serialVersionUID = 1L;

    public ProvidersException(List<YamlError> errors) {
        super(errors);
    }
}

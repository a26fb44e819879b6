package io.scalemanager.manager.alert.config;

import io.scalemanager.core.yaml.YamlError;
import io.scalemanager.core.yaml.YamlFileException;

import java.util.List;

/** The alerts file is invalid; each error names the file, the line and the channel or route. */
public final class AlertsConfigException extends YamlFileException {
    private static final long serialVersionUID = 1L;

    public AlertsConfigException(List<YamlError> errors) {
        super(errors);
    }
}

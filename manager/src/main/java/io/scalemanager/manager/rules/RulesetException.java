package io.scalemanager.manager.rules;

import io.scalemanager.core.yaml.YamlError;
import io.scalemanager.core.yaml.YamlFileException;

import java.util.List;

/**
 * A rules file that cannot be used, with every problem found in it; the message lists them one per line, each
 * naming the file, the line and the rule ({@code rules.yaml:12: rule 'ram-up': ...}).
 */
public final class RulesetException extends YamlFileException {
    private static final long serialVersionUID = 1L;

    public RulesetException(List<YamlError> errors) {
        super(errors);
    }
}

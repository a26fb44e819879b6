package io.scalemanager.manager.rules;

import java.util.List;
import java.util.stream.Collectors;

/** A rules file that cannot be used, with every problem found in it; the message lists them one per line. */
public final class RulesetException extends Exception {
    private final List<RulesetError> errors;

    public RulesetException(List<RulesetError> errors) {
        super(errors.stream().map(RulesetError::toString).collect(Collectors.joining("\n")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a RulesetException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    /** The problems in file order. */
    public List<RulesetError> errors() {
        return errors;
    }
}

package io.scalemanager.collector;

import io.scalemanager.core.problem.DomainException;
import io.scalemanager.core.web.FieldError;

import java.util.ArrayList;
import java.util.List;

/**
 * The problems found in one request: counts every invalid state but keeps only the first few details, so a
 * batch of 10,000 bad states neither builds a huge answer nor hides how many were bad.
 */
final class ValidationErrors {
    static final int MAX_DETAILS = 100;

    private List<FieldError> details;
    private int problems;
    private int invalidStates;
    private int lastInvalidIndex = -1;

    void add(int index, String field, String message) {
        problems++;
        if (index != lastInvalidIndex) {
            invalidStates++;
            lastInvalidIndex = index;
        }
        if (details == null) {
            details = new ArrayList<>();
        }
        if (details.size() < MAX_DETAILS) {
            details.add(new FieldError(index, field, message));
        }
    }

    boolean isEmpty() {
        return problems == 0;
    }

    int invalidStates() {
        return invalidStates;
    }

    List<FieldError> details() {
        return details == null ? List.of() : details;
    }

    /** The 400 answer for a request of {@code total} states, or nothing to throw when all were valid. */
    void throwIfAny(int total) {
        if (problems == 0) {
            return;
        }
        String error = invalidStates + " of " + total + " states are invalid";
        if (problems > MAX_DETAILS) {
            error += " (" + problems + " problems, the first " + MAX_DETAILS + " are listed)";
        }
        throw new DomainException.Malformed(error, details);
    }
}

package io.scalemanager.instanceapi.operation;

import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.problem.DomainException;
import io.scalemanager.core.sizing.RestartPolicy;
import io.scalemanager.core.web.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A resize as the client sent it, every field still text (or null when missing), so the JSON API and the original
 * query-string API are validated by the same code and answer with the same field names.
 *
 * @param restart {@code never} when the change must not be one that waits for the instance's next restart,
 *                {@code allowed} or null (the default) otherwise
 */
public record ResizeRequest(String component, String mode, String value, String restart) {

    /** A request that allows a change taking effect at the next restart. */
    public ResizeRequest(String component, String mode, String value) {
        this(component, mode, value, null);
    }

    /** The validated restart policy, or a 422 naming the field. */
    public RestartPolicy restartPolicy() {
        if (restart == null) {
            return RestartPolicy.ALLOWED;
        }
        return RestartPolicy.parse(restart).orElseThrow(() -> new DomainException.Invalid("invalid resize request: "
                + "restart '" + restart + "' is not valid; use never or allowed",
                List.of(FieldError.of("restart", "'" + restart + "' is not valid; use never or allowed"))));
    }

    /** The validated change, or a 422 naming every bad field. */
    public Change toChange() {
        List<FieldError> errors = new ArrayList<>();
        Optional<Component> c = Component.parse(component);
        if (c.isEmpty()) {
            errors.add(FieldError.of("component", describe(component) + "; use cpu, ram or storage"));
        }
        Optional<ChangeMode> m = ChangeMode.parse(mode);
        if (m.isEmpty()) {
            errors.add(FieldError.of("mode", describe(mode) + "; use abs, rel or percent"));
        }
        Double v = parseValue(errors);
        if (v != null && m.isPresent() && m.get() == ChangeMode.ABS && v <= 0) {
            errors.add(FieldError.of("value", "an absolute size must be above 0, not " + value));
        }
        if (v != null && m.isPresent() && m.get() != ChangeMode.ABS && v == 0) {
            // as the rules refuse "cpu +0": a change of nothing is a mistake, not a resize that succeeds
            errors.add(FieldError.of("value", "a change of 0 changes nothing; send a value other than 0"));
        }
        if (!errors.isEmpty()) {
            throw new DomainException.Invalid("invalid resize request: " + summary(errors), errors);
        }
        return new Change(c.get(), m.get(), v);
    }

    private Double parseValue(List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(FieldError.of("value", "is missing; send a number"));
            return null;
        }
        double v;
        try {
            v = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            errors.add(FieldError.of("value", "'" + value + "' is not a number"));
            return null;
        }
        if (!Double.isFinite(v)) {
            errors.add(FieldError.of("value", "must be a finite number, not " + value));
            return null;
        }
        return v;
    }

    private static String describe(String text) {
        return text == null || text.isBlank() ? "is missing" : "'" + text + "' is not valid";
    }

    private static String summary(List<FieldError> errors) {
        StringBuilder sb = new StringBuilder();
        for (FieldError e : errors) {
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            sb.append(e.field()).append(' ').append(e.message());
        }
        return sb.toString();
    }
}

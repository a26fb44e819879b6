package io.scalemanager.core.web;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One problem in a request: which entry (for batches), which field, and what is wrong with it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldError(Integer index, String field, String message) {

    public static FieldError of(String field, String message) {
        return new FieldError(null, field, message);
    }
}

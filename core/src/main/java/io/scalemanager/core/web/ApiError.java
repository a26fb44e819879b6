package io.scalemanager.core.web;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** The JSON body of every error answer: {@code {"error": "...", "details": [...]}}. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ApiError(String error, List<FieldError> details) {
}

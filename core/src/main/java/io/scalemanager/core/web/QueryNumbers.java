package io.scalemanager.core.web;

import io.javalin.http.Context;

import java.util.List;

/** Whole-number query parameters, refused with a 400 naming the parameter. */
final class QueryNumbers {
    private QueryNumbers() {
    }

    static long longParam(Context ctx, String name, long fallback, long min, long max) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(text.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        String message = "must be a whole number from " + min + " to " + max + ", got '" + text + "'";
        throw new ApiException(400, "invalid " + name + ": " + message, List.of(FieldError.of(name, message)));
    }
}

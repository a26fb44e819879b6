package io.scalemanager.history.http;

import io.javalin.http.Context;
import io.scalemanager.core.state.Identifier;
import io.scalemanager.core.web.ApiException;


/** Reads and validates query parameters, answering 400 with the parameter's name when one is wrong. */
final class QueryParams {

    private final Context ctx;

    QueryParams(Context ctx) {
        this.ctx = ctx;
    }

    String instance() {
        return identifier("instance", Identifier.INSTANCE);
    }

    String type() {
        return identifier("type", Identifier.TYPE);
    }

    String required(String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            throw ApiException.badRequest(name, "is required");
        }
        return value;
    }

    private String identifier(String name, Identifier rule) {
        String value = required(name);
        String problem = rule.problem(value);
        if (problem != null) {
            throw ApiException.badRequest(name, problem);
        }
        return value;
    }

    double finite(String name) {
        String text = required(name);
        try {
            double v = Double.parseDouble(text);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.badRequest(name, "must be a finite number, got '" + text + "'");
    }

    /** Epoch seconds (possibly fractional) as epoch milliseconds, or the default when absent. */
    long epochMillis(String name, long defaultMs) {
        String text = ctx.queryParam(name);
        if (text == null || text.isEmpty()) {
            return defaultMs;
        }
        try {
            double seconds = Double.parseDouble(text);
            if (Double.isFinite(seconds) && seconds >= 0) {
                return Math.round(seconds * 1000.0);
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.badRequest(name, "must be epoch seconds, got '" + text + "'");
    }

    int limit(int defaultLimit, int max) {
        String text = ctx.queryParam("limit");
        if (text == null || text.isEmpty()) {
            return defaultLimit;
        }
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.badRequest("limit", "must be a whole number from 1 to " + max
                + " (history.max_samples), got '" + text + "'");
    }
}

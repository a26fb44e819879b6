package io.scalemanager.history.http;

import io.javalin.http.Context;
import io.scalemanager.core.web.ApiException;

import java.util.regex.Pattern;

/** Reads and validates query parameters, answering 400 with the parameter's name when one is wrong. */
final class QueryParams {
    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9._:/@-]{1,255}");
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Context ctx;

    QueryParams(Context ctx) {
        this.ctx = ctx;
    }

    String instance() {
        return matching("instance", INSTANCE, "1-255 characters of A-Z a-z 0-9 . _ : / @ -");
    }

    String type() {
        return matching("type", TYPE, "1-64 characters of A-Z a-z 0-9 . _ -");
    }

    String required(String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            throw ApiException.badRequest(name, "is required");
        }
        return value;
    }

    private String matching(String name, Pattern pattern, String expected) {
        String value = required(name);
        if (!pattern.matcher(value).matches()) {
            throw ApiException.badRequest(name, "must be " + expected);
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
        throw ApiException.badRequest("limit", "must be a whole number from 1 to " + max + ", got '" + text + "'");
    }
}

package io.scalemanager.core.web;

import io.javalin.http.Context;
import io.scalemanager.core.problem.DomainException;
import io.scalemanager.core.state.Identifier;
import io.scalemanager.core.time.EpochSeconds;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A request's query parameters, read and checked in one place for every handler: a wrong one is a
 * {@link DomainException.Malformed} naming the parameter ("invalid NAME: ..."), which the one mapper answers with
 * 400. An empty parameter ({@code ?limit=}) counts as absent.
 */
public final class QueryParams {
    private final Context ctx;

    public QueryParams(Context ctx) {
        this.ctx = ctx;
    }

    /** The parameter's text; empty when absent or empty. */
    public Optional<String> text(String name) {
        return Optional.ofNullable(ctx.queryParam(name)).filter(s -> !s.isEmpty());
    }

    /** The parameter's text, refused with "invalid NAME: {@code whenMissing}" when absent. */
    public String required(String name, String whenMissing) {
        return text(name).orElseThrow(() -> invalid(name, whenMissing));
    }

    /** A required instance or type id, refused with what is wrong with it. */
    public String identifier(String name, Identifier rule) {
        String value = required(name, "is required");
        String problem = rule.problem(value);
        if (problem != null) {
            throw invalid(name, problem);
        }
        return value;
    }

    /** One of a set of words, parsed by {@code parse}; refused with "must be {@code expected}, got '...'". */
    public <T> Optional<T> choice(String name, Function<String, Optional<T>> parse, String expected) {
        return text(name).map(s -> parse.apply(s).orElseThrow(() -> invalid(name, "must be " + expected
                + ", got '" + s + "'")));
    }

    /** For {@link #choice}: the parameter's text when it is one of {@code words}. */
    public static Function<String, Optional<String>> oneOf(String... words) {
        List<String> allowed = List.of(words);
        return s -> Optional.of(s).filter(allowed::contains);
    }

    /** A whole number from {@code min} to {@code max}, {@code fallback} when absent. */
    public int whole(String name, int fallback, int min, int max) {
        return (int) wholeLong(name, fallback, min, max, "");
    }

    /**
     * A whole number from {@code min} to {@code max}, {@code fallback} when absent; {@code hint} (such as the
     * setting that bounds it, " (history.max_samples)") follows the bounds in the refusal.
     */
    public long wholeLong(String name, long fallback, long min, long max, String hint) {
        Optional<String> text = text(name).filter(s -> !s.isBlank());
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(text.get().strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw invalid(name, "must be a whole number from " + min + " to " + max + hint + ", got '" + text.get() + "'");
    }

    /** A required finite number. */
    public double finite(String name) {
        String text = required(name, "is required");
        try {
            double v = Double.parseDouble(text);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw invalid(name, "must be a finite number, got '" + text + "'");
    }

    /** A time in epoch seconds (possibly fractional, not negative) as epoch milliseconds; empty when absent. */
    public Optional<Long> epochMillis(String name) {
        return text(name).map(text -> {
            try {
                double seconds = Double.parseDouble(text);
                if (Double.isFinite(seconds) && seconds >= 0) {
                    return EpochSeconds.toMillis(seconds);
                }
            } catch (NumberFormatException ignored) {
                // answered below
            }
            throw invalid(name, "must be epoch seconds, got '" + text + "'");
        });
    }

    /** A value parsed by {@code parse}, whose {@link IllegalArgumentException} says what is wrong with it. */
    public <T> Optional<T> parsed(String name, Function<String, T> parse) {
        return text(name).map(text -> {
            try {
                return parse.apply(text);
            } catch (IllegalArgumentException e) {
                throw invalid(name, e.getMessage());
            }
        });
    }

    /** The refusal of one parameter, for checks that span several ("must be before 'to'"). */
    public static DomainException.Malformed invalid(String name, String message) {
        return DomainException.Malformed.field(name, message);
    }
}

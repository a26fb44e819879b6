package io.scalemanager.manager.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.problem.DomainException;

import java.io.IOException;
import java.time.Duration;
import java.util.function.LongPredicate;
import java.util.regex.Pattern;

/**
 * What the routes of pauses and silences share: both are rules on a glob of instances that end by themselves,
 * created from a JSON object, listed while they last and deleted by id.
 */
final class ExpiringRuleRoutes {
    /** The longest a pause or a silence may last. */
    static final Duration LONGEST = Duration.ofDays(366);

    private ExpiringRuleRoutes() {
    }

    /** {@code DELETE path/{id}}: 204, or 404 naming the {@code noun} when there is no such id. */
    static void deleteById(RoutesConfig routes, String path, String noun, LongPredicate delete) {
        routes.delete(path + "/{id}", ctx -> {
            long id;
            try {
                id = Long.parseLong(ctx.pathParam("id"));
            } catch (NumberFormatException e) {
                throw new DomainException.NotFound("no " + noun + " " + ctx.pathParam("id"));
            }
            if (!delete.test(id)) {
                throw new DomainException.NotFound("no " + noun + " " + id);
            }
            ctx.status(204);
        });
    }

    /** The body as a JSON object; 400 with {@code unreadable} or {@code notAnObject} otherwise. */
    static JsonNode objectBody(Context ctx, String unreadable, String notAnObject) {
        JsonNode body;
        try {
            body = Json.mapper().readTree(ctx.bodyInputStream());
        } catch (IOException e) {
            throw new DomainException.Malformed(unreadable);
        }
        if (body == null || !body.isObject()) {
            throw new DomainException.Malformed(notAnObject);
        }
        return body;
    }

    /** The {@code instances} glob, validated; null when absent. */
    static String glob(JsonNode body) {
        JsonNode n = body.get("instances");
        if (n == null || n.isNull()) {
            return null;
        }
        try {
            return InstancePattern.parse(n.isTextual() ? n.asText() : null).text();
        } catch (IllegalArgumentException e) {
            throw DomainException.Malformed.field("instances", "must be " + InstancePattern.FORM);
        }
    }

    /** A text field of the given form; null when absent, 400 naming the field when it does not match. */
    static String text(JsonNode body, String field, Pattern form, String expected) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || !form.matcher(n.asText()).matches()) {
            throw DomainException.Malformed.field(field, "must be " + expected);
        }
        return n.asText();
    }

    /** A comment of at most 1000 characters. */
    static String checkedComment(String comment) {
        if (comment.length() > 1000) {
            throw DomainException.Malformed.field("comment", "at most 1000 characters");
        }
        return comment;
    }

    /** 400 on {@code field} unless {@code endsAtMs} is after now and within {@link #LONGEST}. */
    static void endsWithinLongest(long endsAtMs, long nowMs, String field, String noun) {
        if (endsAtMs <= nowMs || endsAtMs - nowMs > LONGEST.toMillis()) {
            throw DomainException.Malformed.field(field, "a " + noun + " must end in the future, within 366 days");
        }
    }
}

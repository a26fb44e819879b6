package io.scalemanager.manager.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.time.DurationText;
import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.core.web.ApiException;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.core.web.Routes;
import io.scalemanager.manager.pause.Pause;
import io.scalemanager.manager.pause.Pauses;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Pauses of rules: {@code POST /v1/pauses} (token-protected like every change), {@code GET /v1/pauses} (those
 * not ended), {@code DELETE /v1/pauses/{id}}.
 */
public final class PauseRoutes implements Routes {
    private static final Pattern RULE = Pattern.compile("\\*|[A-Za-z0-9._-]{1,128}");
    private static final Duration LONGEST = Duration.ofDays(366);

    private final Pauses pauses;
    private final Clock clock;

    public PauseRoutes(Pauses pauses, Clock clock) {
        this.pauses = pauses;
        this.clock = clock;
    }

    @Override
    public void addTo(RoutesConfig routes, HttpSettings http) {
        routes.post("/v1/pauses", this::create);
        routes.get("/v1/pauses", ctx -> {
            List<Map<String, Object>> body = new ArrayList<>();
            for (Pause p : pauses.list()) {
                body.add(toJson(p));
            }
            ctx.json(Map.of("pauses", body));
        });
        routes.delete("/v1/pauses/{id}", ctx -> {
            long id;
            try {
                id = Long.parseLong(ctx.pathParam("id"));
            } catch (NumberFormatException e) {
                throw ApiException.notFound("no pause " + ctx.pathParam("id"));
            }
            if (!pauses.delete(id)) {
                throw ApiException.notFound("no pause " + id);
            }
            ctx.status(204);
        });
    }

    private void create(Context ctx) {
        JsonNode body;
        try {
            body = Json.mapper().readTree(ctx.bodyInputStream());
        } catch (IOException e) {
            throw new ApiException(400, "the body must be a JSON object like {\"instances\": \"web-*\", "
                    + "\"rule\": \"cpu-down\", \"duration\": \"2h\", \"comment\": \"release\"}");
        }
        if (body == null || !body.isObject()) {
            throw new ApiException(400, "the body must be a JSON object like {\"instances\": \"web-*\", "
                    + "\"rule\": \"cpu-down\", \"duration\": \"2h\", \"comment\": \"release\"}");
        }
        String instances = glob(body);
        String rule = text(body, "rule", RULE, "a rule name, or \"*\" for every rule");
        if (instances == null) {
            throw ApiException.badRequest("instances", "is required: a glob on instance ids like \"web-*\"");
        }
        if (rule == null) {
            throw ApiException.badRequest("rule", "is required: a rule name, or \"*\" for every rule");
        }
        JsonNode commentNode = body.get("comment");
        if (commentNode != null && !commentNode.isNull() && !commentNode.isTextual()) {
            throw ApiException.badRequest("comment", "must be text");
        }
        String comment = commentNode == null || commentNode.isNull() ? "" : commentNode.asText();
        if (comment.length() > 1000) {
            throw ApiException.badRequest("comment", "at most 1000 characters");
        }
        long now = clock.millis();
        long until;
        String field;
        if (body.hasNonNull("until")) {
            field = "until";
            if (!body.get("until").isNumber()) {
                throw ApiException.badRequest("until", "must be epoch seconds");
            }
            until = EpochSeconds.toMillis(body.get("until").asDouble());
        } else if (body.hasNonNull("duration")) {
            field = "duration";
            if (!body.get("duration").isTextual()) {
                throw ApiException.badRequest("duration", "must be text like \"2h\"");
            }
            try {
                until = now + DurationText.parse(body.get("duration").asText()).toMillis();
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("duration", e.getMessage());
            }
        } else {
            throw ApiException.badRequest("duration", "give 'duration' (like \"2h\") or 'until' (epoch seconds)");
        }
        if (until <= now || until - now > LONGEST.toMillis()) {
            throw ApiException.badRequest(field, "a pause must end in the future, within 366 days");
        }
        String who = ApiServer.caller(ctx).map(c -> c.name()).orElse("anonymous");
        Pause p = pauses.create(instances, rule, until, comment, who);
        ctx.status(201).json(toJson(p));
    }

    private static String glob(JsonNode body) {
        JsonNode n = body.get("instances");
        if (n == null || n.isNull()) {
            return null;
        }
        try {
            return InstancePattern.parse(n.isTextual() ? n.asText() : null).text();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("instances", "must be " + InstancePattern.FORM);
        }
    }

    private static String text(JsonNode body, String field, Pattern form, String expected) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || !form.matcher(n.asText()).matches()) {
            throw ApiException.badRequest(field, "must be " + expected);
        }
        return n.asText();
    }

    static Map<String, Object> toJson(Pause p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("instances", p.instances().text());
        m.put("rule", p.rule());
        m.put("until", EpochSeconds.fromMillis(p.untilMs()));
        m.put("comment", p.comment());
        m.put("created_at", EpochSeconds.fromMillis(p.createdAtMs()));
        m.put("created_by", p.createdBy());
        return m;
    }
}

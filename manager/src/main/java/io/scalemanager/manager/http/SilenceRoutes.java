package io.scalemanager.manager.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.time.DurationText;
import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.core.web.ApiException;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.core.web.Routes;
import io.scalemanager.manager.alert.Silence;
import io.scalemanager.manager.alert.Silences;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Silences: {@code POST /v1/silences} (token-protected like every change), {@code GET /v1/silences} (those not
 * ended), {@code DELETE /v1/silences/{id}}.
 */
public final class SilenceRoutes implements Routes {
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Duration LONGEST = Duration.ofDays(366);

    private final Silences silences;
    private final Clock clock;

    public SilenceRoutes(Silences silences, Clock clock) {
        this.silences = silences;
        this.clock = clock;
    }

    @Override
    public void addTo(RoutesConfig routes, HttpSettings http) {
        routes.post("/v1/silences", this::create);
        routes.get("/v1/silences", ctx -> {
            List<Map<String, Object>> body = new ArrayList<>();
            for (Silence s : silences.active()) {
                body.add(toJson(s));
            }
            ctx.json(Map.of("silences", body));
        });
        routes.delete("/v1/silences/{id}", ctx -> {
            long id;
            try {
                id = Long.parseLong(ctx.pathParam("id"));
            } catch (NumberFormatException e) {
                throw ApiException.notFound("no silence " + ctx.pathParam("id"));
            }
            if (!silences.delete(id)) {
                throw ApiException.notFound("no silence " + id);
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
                    + "\"duration\": \"2h\", \"comment\": \"maintenance\"}");
        }
        if (body == null || !body.isObject()) {
            throw new ApiException(400, "the body must be a JSON object");
        }
        String instances = glob(body);
        String rule = text(body, "rule", WORD, "a rule name");
        String kind = text(body, "kind", WORD, "an alert kind like command_failed");
        String comment = body.path("comment").isTextual() ? body.get("comment").asText() : "";
        if (comment.length() > 1000) {
            throw ApiException.badRequest("comment", "at most 1000 characters");
        }
        long now = clock.millis();
        long endsAt;
        if (body.hasNonNull("ends_at")) {
            if (!body.get("ends_at").isNumber()) {
                throw ApiException.badRequest("ends_at", "must be epoch seconds");
            }
            endsAt = EpochSeconds.toMillis(body.get("ends_at").asDouble());
        } else if (body.path("duration").isTextual()) {
            try {
                endsAt = now + DurationText.parse(body.get("duration").asText()).toMillis();
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("duration", e.getMessage());
            }
        } else {
            throw ApiException.badRequest("duration", "give 'duration' (like \"2h\") or 'ends_at' (epoch seconds)");
        }
        if (endsAt <= now || endsAt - now > LONGEST.toMillis()) {
            throw ApiException.badRequest("duration", "a silence must end in the future, within 366 days");
        }
        Silence s = silences.create(instances == null ? "*" : instances, rule, kind, comment, endsAt);
        ctx.status(201).json(toJson(s));
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

    private static Map<String, Object> toJson(Silence s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("instances", s.instances());
        m.put("rule", s.rule());
        m.put("kind", s.kind());
        m.put("comment", s.comment());
        m.put("created_at", EpochSeconds.fromMillis(s.createdAtMs()));
        m.put("ends_at", EpochSeconds.fromMillis(s.endsAtMs()));
        return m;
    }
}

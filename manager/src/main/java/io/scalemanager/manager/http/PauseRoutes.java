package io.scalemanager.manager.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.scalemanager.core.time.DurationText;
import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.core.problem.DomainException;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.core.web.Routes;
import io.scalemanager.manager.pause.Pause;
import io.scalemanager.manager.pause.Pauses;

import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Pauses of rules: {@code POST /v1/pauses} (token-protected like every change), {@code GET /v1/pauses} (those
 * not ended), {@code DELETE /v1/pauses/{id}}.
 */
public final class PauseRoutes implements Routes {
    private static final Pattern RULE = Pattern.compile("\\*|[A-Za-z0-9._-]{1,128}");

    private final Pauses pauses;
    private final Clock clock;

    public PauseRoutes(Pauses pauses, Clock clock) {
        this.pauses = pauses;
        this.clock = clock;
    }

    @Override
    public void addTo(RoutesConfig routes, HttpSettings http) {
        routes.post("/v1/pauses", this::create);
        routes.get("/v1/pauses", ctx -> ctx.json(new PauseList(pauses.list().stream().map(PauseView::of).toList())));
        ExpiringRuleRoutes.deleteById(routes, "/v1/pauses", "pause", pauses::delete);
    }

    private void create(Context ctx) {
        String shape = "the body must be a JSON object like {\"instances\": \"web-*\", "
                + "\"rule\": \"cpu-down\", \"duration\": \"2h\", \"comment\": \"release\"}";
        JsonNode body = ExpiringRuleRoutes.objectBody(ctx, shape, shape);
        String instances = ExpiringRuleRoutes.glob(body);
        String rule = ExpiringRuleRoutes.text(body, "rule", RULE, "a rule name, or \"*\" for every rule");
        if (instances == null) {
            throw DomainException.Malformed.field("instances", "is required: a glob on instance ids like \"web-*\"");
        }
        if (rule == null) {
            throw DomainException.Malformed.field("rule", "is required: a rule name, or \"*\" for every rule");
        }
        JsonNode commentNode = body.get("comment");
        if (commentNode != null && !commentNode.isNull() && !commentNode.isTextual()) {
            throw DomainException.Malformed.field("comment", "must be text");
        }
        String comment = ExpiringRuleRoutes.checkedComment(
                commentNode == null || commentNode.isNull() ? "" : commentNode.asText());
        long now = clock.millis();
        long until;
        String field;
        if (body.hasNonNull("until")) {
            field = "until";
            if (!body.get("until").isNumber()) {
                throw DomainException.Malformed.field("until", "must be epoch seconds");
            }
            until = EpochSeconds.toMillis(body.get("until").asDouble());
        } else if (body.hasNonNull("duration")) {
            field = "duration";
            if (!body.get("duration").isTextual()) {
                throw DomainException.Malformed.field("duration", "must be text like \"2h\"");
            }
            try {
                until = now + DurationText.parse(body.get("duration").asText()).toMillis();
            } catch (IllegalArgumentException e) {
                throw DomainException.Malformed.field("duration", e.getMessage());
            }
        } else {
            throw DomainException.Malformed.field("duration", "give 'duration' (like \"2h\") or 'until' (epoch seconds)");
        }
        ExpiringRuleRoutes.endsWithinLongest(until, now, field, "pause");
        String who = ApiServer.caller(ctx).map(c -> c.name()).orElse("anonymous");
        Pause p = pauses.create(instances, rule, until, comment, who);
        ctx.status(201).json(PauseView.of(p));
    }

    record PauseList(List<PauseView> pauses) {
    }

    /** A pause as the API shows it. */
    record PauseView(long id, String instances, String rule, Number until, String comment,
                     @JsonProperty("created_at") Number createdAt, @JsonProperty("created_by") String createdBy) {
        static PauseView of(Pause p) {
            return new PauseView(p.id(), p.instances().text(), p.rule(), EpochSeconds.fromMillis(p.untilMs()),
                    p.comment(), EpochSeconds.fromMillis(p.createdAtMs()), p.createdBy());
        }
    }
}

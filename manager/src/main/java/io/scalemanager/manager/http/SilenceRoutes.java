package io.scalemanager.manager.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.scalemanager.core.time.DurationText;
import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.core.problem.DomainException;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.core.web.Routes;
import io.scalemanager.manager.alert.Silence;
import io.scalemanager.manager.alert.Silences;

import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Silences: {@code POST /v1/silences} (token-protected like every change), {@code GET /v1/silences} (those not
 * ended), {@code DELETE /v1/silences/{id}}.
 */
public final class SilenceRoutes implements Routes {
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final Silences silences;
    private final Clock clock;

    public SilenceRoutes(Silences silences, Clock clock) {
        this.silences = silences;
        this.clock = clock;
    }

    @Override
    public void addTo(RoutesConfig routes, HttpSettings http) {
        routes.post("/v1/silences", this::create);
        routes.get("/v1/silences", ctx ->
                ctx.json(new SilenceList(silences.active().stream().map(SilenceView::of).toList())));
        ExpiringRuleRoutes.deleteById(routes, "/v1/silences", "silence", silences::delete);
    }

    private void create(Context ctx) {
        JsonNode body = ExpiringRuleRoutes.objectBody(ctx, "the body must be a JSON object like "
                + "{\"instances\": \"web-*\", \"duration\": \"2h\", \"comment\": \"maintenance\"}",
                "the body must be a JSON object");
        String instances = ExpiringRuleRoutes.glob(body);
        String rule = ExpiringRuleRoutes.text(body, "rule", WORD, "a rule name");
        String kind = ExpiringRuleRoutes.text(body, "kind", WORD, "an alert kind like command_failed");
        String comment = ExpiringRuleRoutes.checkedComment(
                body.path("comment").isTextual() ? body.get("comment").asText() : "");
        long now = clock.millis();
        long endsAt;
        if (body.hasNonNull("ends_at")) {
            if (!body.get("ends_at").isNumber()) {
                throw DomainException.Malformed.field("ends_at", "must be epoch seconds");
            }
            endsAt = EpochSeconds.toMillis(body.get("ends_at").asDouble());
        } else if (body.path("duration").isTextual()) {
            try {
                endsAt = now + DurationText.parse(body.get("duration").asText()).toMillis();
            } catch (IllegalArgumentException e) {
                throw DomainException.Malformed.field("duration", e.getMessage());
            }
        } else {
            throw DomainException.Malformed.field("duration", "give 'duration' (like \"2h\") or 'ends_at' (epoch seconds)");
        }
        ExpiringRuleRoutes.endsWithinLongest(endsAt, now, "duration", "silence");
        Silence s = silences.create(instances == null ? "*" : instances, rule, kind, comment, endsAt);
        ctx.status(201).json(SilenceView.of(s));
    }

    record SilenceList(List<SilenceView> silences) {
    }

    /** A silence as the API shows it. */
    record SilenceView(long id, String instances, String rule, String kind, String comment,
                       @JsonProperty("created_at") Number createdAt, @JsonProperty("ends_at") Number endsAt) {
        static SilenceView of(Silence s) {
            return new SilenceView(s.id(), s.instances(), s.rule(), s.kind(), s.comment(),
                    EpochSeconds.fromMillis(s.createdAtMs()), EpochSeconds.fromMillis(s.endsAtMs()));
        }
    }
}

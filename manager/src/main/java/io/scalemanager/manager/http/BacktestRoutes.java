package io.scalemanager.manager.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.core.problem.DomainException;
import io.scalemanager.core.web.ApiException;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.core.web.Routes;
import io.scalemanager.core.yaml.YamlError;
import io.scalemanager.manager.backtest.Backtest;
import io.scalemanager.manager.backtest.BacktestJson;
import io.scalemanager.manager.backtest.BacktestReport;
import io.scalemanager.manager.backtest.Backtester;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.rules.RulesetException;
import io.scalemanager.manager.rules.RulesetParser;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /v1/rules/backtest {"rules": YAML, "from": EPOCH, "to": EPOCH, "instances": GLOB}}: the backtest
 * of the command line for the dashboard, bounded because it runs inside a serving process: one at a time (429
 * while one runs), a range of at most {@link #MAX_RANGE} and at most {@link #MAX_EVENTS} events (422 beyond:
 * the command line has no such bounds). A POST, so it needs a token of scope {@code operate}: it reads the whole
 * EventLog of the range, which is no read to leave open.
 */
public final class BacktestRoutes implements Routes {
    public static final Duration MAX_RANGE = Duration.ofDays(7);
    public static final long MAX_EVENTS = 5_000_000;
    private static final String FORM = "the body must be a JSON object like {\"rules\": \"rules: ...\", "
            + "\"from\": 1764547200, \"to\": 1764633600, \"instances\": \"web-*\"}";

    private final Backtester backtester;
    private final Semaphore oneAtATime = new Semaphore(1);

    public BacktestRoutes(Backtester backtester) {
        this.backtester = backtester;
    }

    @Override
    public void addTo(RoutesConfig routes, HttpSettings http) {
        routes.post("/v1/rules/backtest", this::backtest);
    }

    private void backtest(Context ctx) {
        JsonNode body;
        try {
            body = Json.mapper().readTree(ctx.bodyInputStream());
        } catch (IOException e) {
            throw new DomainException.Malformed(FORM);
        }
        if (body == null || !body.isObject()) {
            throw new DomainException.Malformed(FORM);
        }
        JsonNode rulesNode = body.get("rules");
        if (rulesNode == null || !rulesNode.isTextual() || rulesNode.asText().isBlank()) {
            throw DomainException.Malformed.field("rules", "is required: the ruleset's YAML, as text");
        }
        long from = time(body, "from");
        long to = time(body, "to");
        if (to <= from) {
            throw DomainException.Malformed.field("to", "must be after 'from'");
        }
        if (to - from > MAX_RANGE.toMillis()) {
            throw DomainException.Malformed.field("to", "a range of at most 7 days here; longer ones with "
                    + "'scalemanager rules backtest'");
        }
        InstancePattern instances = InstancePattern.ANY;
        JsonNode glob = body.get("instances");
        if (glob != null && !glob.isNull()) {
            try {
                instances = InstancePattern.parse(glob.isTextual() ? glob.asText() : null);
            } catch (IllegalArgumentException e) {
                throw DomainException.Malformed.field("instances", "must be " + InstancePattern.FORM);
            }
        }
        Ruleset ruleset;
        try {
            ruleset = RulesetParser.parse(rulesNode.asText(), "rules");
        } catch (RulesetException e) {
            List<RulesRoutes.ErrorDetail> details = new ArrayList<>();
            for (YamlError error : e.errors()) {
                details.add(new RulesRoutes.ErrorDetail(error.line(), RulesRoutes.ruleOf(error.subject()),
                        error.message()));
            }
            ctx.status(422).json(new RulesRoutes.Refused("invalid ruleset: " + e.errors().get(0), details));
            return;
        }
        if (!oneAtATime.tryAcquire()) {
            ctx.header("Retry-After", "10");
            // This server's own load limit, like the collector's rate limit: an HTTP 429 of the edge, no domain refusal.
            throw new ApiException(429, "a backtest is running on this server; try again when it has ended");
        }
        try {
            BacktestReport report = backtester.run(ruleset, from, to, instances, MAX_EVENTS);
            ctx.json(BacktestJson.of(report));
        } catch (Backtest.TooManyEvents e) {
            throw new DomainException.Invalid("invalid to: the range holds more than " + e.limit() + " events; narrow "
                    + "from/to or instances, or use 'scalemanager rules backtest'",
                    List.of(io.scalemanager.core.web.FieldError.of("to", "the range holds more than " + e.limit()
                            + " events")));
        } finally {
            oneAtATime.release();
        }
    }

    private static long time(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            throw DomainException.Malformed.field(field, "is required: epoch seconds");
        }
        if (!n.isNumber() || n.asDouble() < 0 || n.asDouble() > 1e11) {
            throw DomainException.Malformed.field(field, "must be epoch seconds, like 1764547200");
        }
        return EpochSeconds.toMillis(n.asDouble());
    }
}

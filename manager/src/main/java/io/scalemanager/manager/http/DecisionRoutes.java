package io.scalemanager.manager.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.core.problem.DomainException;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.core.web.QueryParams;
import io.scalemanager.core.web.Routes;
import io.scalemanager.manager.decide.Outcome;
import io.scalemanager.manager.decide.OutcomeKind;
import io.scalemanager.manager.decision.Decision;
import io.scalemanager.manager.decision.DecisionLog;
import io.scalemanager.manager.decision.LatestOutcomes;
import io.scalemanager.manager.fleet.Fleet;
import io.scalemanager.manager.fleet.FleetPeers;
import io.scalemanager.manager.rules.CurrentRuleset;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.Schedule;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Why and why not: {@code GET /v1/instances/{instance}/why} (the latest outcome of every rule that applies to
 * the instance, then that of every schedule that has had an occurrence on it; a manager that does not decide for
 * the instance asks the others, as the fleet listing does) and
 * {@code GET /v1/decisions} (the decision log, newest first).
 */
public final class DecisionRoutes implements Routes {
    private static final int MAX_LIMIT = 10_000;
    /** An outcome older than its rule's {@code for} plus this has no fresh data behind it: shown as stale. */
    static final Duration STALE_AFTER = Duration.ofMinutes(2);

    private final LatestOutcomes latest;
    private final DecisionLog decisionLog;
    private final CurrentRuleset rulesets;
    private final Fleet fleet;
    private final Optional<FleetPeers> peers;
    private final Clock clock;

    public DecisionRoutes(LatestOutcomes latest, DecisionLog decisionLog, CurrentRuleset rulesets, Fleet fleet,
                          Optional<FleetPeers> peers, Clock clock) {
        this.latest = latest;
        this.decisionLog = decisionLog;
        this.rulesets = rulesets;
        this.fleet = fleet;
        this.peers = peers;
        this.clock = clock;
    }

    @Override
    public void addTo(RoutesConfig routes, HttpSettings http) {
        routes.get("/v1/instances/<instance>/why", this::why);
        routes.get("/v1/decisions", this::decisions);
    }

    /** One rule's line of a why answer. */
    record WhyRule(String rule, String outcome, String reason, Number at, Number since, Long action, Number until) {
    }

    record Why(String instance, List<WhyRule> rules) {
    }

    private void why(Context ctx) {
        String instance = ctx.pathParam("instance");
        boolean local = new QueryParams(ctx).text("scope").filter("local"::equals).isPresent();
        if (fleet.knows(instance)) {
            ctx.json(localWhy(instance));
            return;
        }
        if (!local && peers.isPresent()) {
            Optional<Why> answer = askPeers(instance);
            if (answer.isPresent()) {
                ctx.json(answer.get());
                return;
            }
        }
        throw new DomainException.NotFound("instance '" + instance + "' has never reported to "
                + (local || peers.isEmpty() ? "this manager" : "any manager"));
    }

    Why localWhy(String instance) {
        long now = clock.millis();
        Map<String, LatestOutcomes.Entry> known = latest.of(instance);
        List<WhyRule> rules = new ArrayList<>();
        for (Rule rule : rulesets.get().rules()) {
            if (!rule.instances().matches(instance)) {
                continue;
            }
            LatestOutcomes.Entry e = known.get(rule.name());
            Outcome o;
            long since;
            if (e == null) {
                o = new Outcome.Stale(rule, now, Long.MIN_VALUE);
                since = now;
            } else if (e.outcome().kind() != OutcomeKind.TOO_OLD
                    && e.outcome().atMs() < now - rule.forDuration().toMillis() - STALE_AFTER.toMillis()) {
                // Nothing fresh since: what was decided then says little now. (too_old says more than stale.)
                o = new Outcome.Stale(rule, now, e.outcome().atMs());
                since = e.outcome().atMs();
            } else {
                o = e.outcome();
                since = e.sinceMs();
            }
            rules.add(line(rule.name(), o, since));
        }
        // A schedule's latest occurrence on the instance, under the schedule's name (as in the decision log). It
        // stays until the next occurrence: it is what the schedule last did, however long ago.
        for (Schedule schedule : rulesets.get().schedules()) {
            LatestOutcomes.Entry e = known.get(schedule.name());
            if (e != null && schedule.instances().matches(instance)) {
                rules.add(line(schedule.name(), e.outcome(), e.sinceMs()));
            }
        }
        return new Why(instance, rules);
    }

    private static WhyRule line(String name, Outcome o, long sinceMs) {
        return new WhyRule(name, o.kind().wireName(), o.reason(), EpochSeconds.fromMillis(o.atMs()),
                EpochSeconds.fromMillis(sinceMs), o.actionId(), o.untilMs() == null ? null
                : EpochSeconds.fromMillis(o.untilMs()));
    }

    /** The first peer that knows the instance answers for it. */
    private Optional<Why> askPeers(String instance) {
        FleetPeers.Answers<Why> answers;
        try {
            answers = peers.get().askAll("/v1/instances/" + URLEncoder.encode(instance, StandardCharsets.UTF_8)
                    .replace("+", "%20") + "/why?scope=local", Why.class).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DomainException.Unavailable("interrupted while asking the other managers");
        }
        for (Optional<Why> answer : answers.answered().values()) {
            if (answer.isPresent()) {
                return answer;
            }
        }
        if (!answers.unanswered().isEmpty()) {
            throw new DomainException.Unavailable("instance '" + instance + "' is not decided here and these managers did "
                    + "not answer: " + String.join(", ", answers.unanswered().stream()
                    .map(FleetPeers.Unanswered::manager).toList()));
        }
        return Optional.empty();
    }

    record DecisionView(long id, Number time, String instance, String rule, String outcome, String reason,
                        Long action) {
        static DecisionView of(Decision d) {
            return new DecisionView(d.id(), EpochSeconds.fromMillis(d.timeMs()), d.instance(), d.rule(),
                    d.outcome().wireName(), d.reason(), d.actionId());
        }
    }

    /** Answer of {@code GET /v1/decisions}, newest first. */
    record DecisionList(List<DecisionView> decisions) {
    }

    private void decisions(Context ctx) {
        QueryParams params = new QueryParams(ctx);
        Optional<OutcomeKind> outcome = params.choice("outcome", OutcomeKind::parse, "one of " + OutcomeKind.names());
        Optional<Long> since = params.epochMillis("since");
        int limit = params.whole("limit", 100, 1, MAX_LIMIT);
        List<DecisionView> body = new ArrayList<>();
        for (Decision d : decisionLog.list(new DecisionLog.Query(params.text("instance"), params.text("rule"),
                outcome, since, limit))) {
            body.add(DecisionView.of(d));
        }
        ctx.json(new DecisionList(body));
    }
}

package io.scalemanager.manager.backtest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.scalemanager.core.time.EpochSeconds;

import java.util.ArrayList;
import java.util.List;

/**
 * A backtest as the contract's JSON: {@code {"events", "rules": [{"rule", "fired", "instances", "up", "down",
 * "flaps", "at_limit", "alerts", "would_fire"}], "actions": [{"time", "instance", "rule", "component", "from",
 * "to", "dry_run"}]}}, times in epoch seconds; {@code would_fire} and {@code dry_run} are the dry runs', beside
 * the contract's fields. The command line's {@code --format json} and {@code POST /v1/rules/backtest} both print it.
 */
public record BacktestJson(long events, List<RuleView> rules, List<ActionView> actions) {

    public record RuleView(String rule, long fired, long instances, long up, long down, long flaps,
                           @JsonProperty("at_limit") long atLimit, long alerts,
                           @JsonProperty("would_fire") long wouldFire) {
    }

    public record ActionView(Number time, String instance, String rule, String component, long from, long to,
                             @JsonProperty("dry_run") boolean dryRun) {
    }

    public static BacktestJson of(BacktestReport report) {
        List<RuleView> rules = new ArrayList<>(report.rules().size());
        for (RuleSummary r : report.rules()) {
            rules.add(new RuleView(r.rule(), r.fired(), r.instances(), r.up(), r.down(), r.flaps(), r.atLimit(),
                    r.alerts(), r.wouldFire()));
        }
        List<ActionView> actions = new ArrayList<>(report.actions().size());
        for (SimulatedAction a : report.actions()) {
            actions.add(new ActionView(EpochSeconds.fromMillis(a.timeMs()), a.instance(), a.rule(),
                    a.component().wireName(), a.from(), a.to(), a.dryRun()));
        }
        return new BacktestJson(report.events(), rules, actions);
    }
}

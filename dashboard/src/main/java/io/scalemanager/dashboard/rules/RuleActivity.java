package io.scalemanager.dashboard.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.decide.OutcomeKind;
import io.scalemanager.manager.decision.DecisionLog;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.Ruleset;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The rules page's counts since a moment (the last 24h): how often each loaded rule started an action, and how
 * often it would have (the decision log's {@code would_fire}), which is what a dry-run rule does instead.
 */
public final class RuleActivity {

    /**
     * The loaded rules with their counts; {@code since} in epoch seconds.
     *
     * @param dryRunAll {@code manager.dry_run}: every rule only records what it would do
     */
    public record Report(Number since, @JsonProperty("dry_run_all") boolean dryRunAll, List<RuleCount> rules) {
    }

    /**
     * One rule as loaded, how many actions it started and how many it would have started.
     *
     * @param wouldFire   its {@code would_fire} decisions: the times it held while in dry run
     * @param description the rule in one line ({@code cpu-up: load > 4 for 20s -> cpu +1})
     * @param dryRun      whether it only records what it would do: its own {@code dry_run} or
     *                    {@code manager.dry_run}
     */
    public record RuleCount(String rule, String instances, String description, @JsonProperty("fired") long fired,
                            @JsonProperty("would_fire") long wouldFire,
                            @JsonProperty("dry_run") boolean dryRun, boolean enabled, int line) {
    }

    private final ActionLog actionLog;
    private final DecisionLog decisionLog;
    private final Supplier<Ruleset> ruleset;
    private final boolean dryRunAll;
    private final Clock clock;

    /** @param dryRunAll {@code manager.dry_run} */
    public RuleActivity(ActionLog actionLog, DecisionLog decisionLog, Supplier<Ruleset> ruleset, boolean dryRunAll,
                        Clock clock) {
        this.actionLog = actionLog;
        this.decisionLog = decisionLog;
        this.ruleset = ruleset;
        this.dryRunAll = dryRunAll;
        this.clock = clock;
    }

    public Report since(Duration back) {
        long since = clock.millis() - back.toMillis();
        Map<String, Long> started = actionLog.startedPerRuleSince(since);
        Map<String, Long> wouldFire = decisionLog.countPerRuleSince(OutcomeKind.WOULD_FIRE, since);
        List<RuleCount> rules = new ArrayList<>();
        for (Rule r : ruleset.get().rules()) {
            rules.add(new RuleCount(r.name(), r.instances().text(), r.describe(), started.getOrDefault(r.name(), 0L),
                    wouldFire.getOrDefault(r.name(), 0L),
                    dryRunAll || r.dryRun(), r.enabled(), r.line()));
        }
        return new Report(EpochSeconds.fromMillis(since), dryRunAll, rules);
    }
}

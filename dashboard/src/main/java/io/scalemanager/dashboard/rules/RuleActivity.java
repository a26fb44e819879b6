package io.scalemanager.dashboard.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.Ruleset;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The rules page's counts: how often each loaded rule started an action since a moment (the last 24h). */
public final class RuleActivity {

    /** The loaded rules with their counts; {@code since} in epoch seconds. */
    public record Report(Number since, List<RuleCount> rules) {
    }

    /**
     * One rule as loaded, and how many actions it started.
     *
     * @param description the rule in one line ({@code cpu-up: load > 4 for 20s -> cpu +1})
     */
    public record RuleCount(String rule, String instances, String description, @JsonProperty("fired") long fired,
                            int line) {
    }

    private final ActionLog actionLog;
    private final Supplier<Ruleset> ruleset;
    private final Clock clock;

    public RuleActivity(ActionLog actionLog, Supplier<Ruleset> ruleset, Clock clock) {
        this.actionLog = actionLog;
        this.ruleset = ruleset;
        this.clock = clock;
    }

    public Report since(Duration back) {
        long since = clock.millis() - back.toMillis();
        Map<String, Long> started = actionLog.startedPerRuleSince(since);
        List<RuleCount> rules = new ArrayList<>();
        for (Rule r : ruleset.get().rules()) {
            rules.add(new RuleCount(r.name(), r.instances().text(), r.describe(), started.getOrDefault(r.name(), 0L),
                    r.line()));
        }
        return new Report(EpochSeconds.fromMillis(since), rules);
    }
}

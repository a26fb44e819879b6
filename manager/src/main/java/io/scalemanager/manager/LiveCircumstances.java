package io.scalemanager.manager;

import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.Limits;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.manager.actionlog.ActionLocks;
import io.scalemanager.manager.actionlog.Direction;
import io.scalemanager.manager.alert.RuleAlertThrottle;
import io.scalemanager.manager.decide.Block;
import io.scalemanager.manager.decide.Circumstances;
import io.scalemanager.manager.decide.ShadowCooldowns;
import io.scalemanager.manager.pause.Pause;
import io.scalemanager.manager.pause.Pauses;
import io.scalemanager.manager.rules.CurrentRuleset;
import io.scalemanager.manager.rules.Rule;


/**
 * The manager's answers to the {@link io.scalemanager.manager.decide.Decider}: pauses from {@link Pauses}, locks
 * as this process knows them ({@link ActionLocks}; the ActionLog decides when they are not known), the alert
 * throttles, and the shadow cooldowns of dry runs, which live only here: a dry run takes no lock.
 */
final class LiveCircumstances implements Circumstances {
    private final CurrentRuleset rulesets;
    private final ActionLocks locks;
    private final Pauses pauses;
    private final RuleAlertThrottle alertThrottle;
    private final RuleAlertThrottle dryAlertThrottle;
    private final boolean dryRun;
    private final ShadowCooldowns shadows = new ShadowCooldowns();

    LiveCircumstances(CurrentRuleset rulesets, ActionLocks locks, Pauses pauses, RuleAlertThrottle alertThrottle,
                      RuleAlertThrottle dryAlertThrottle, boolean dryRun) {
        this.rulesets = rulesets;
        this.locks = locks;
        this.pauses = pauses;
        this.alertThrottle = alertThrottle;
        this.dryAlertThrottle = dryAlertThrottle;
        this.dryRun = dryRun;
    }

    @Override
    public Pause pauseOf(String instance, Rule rule, long nowMs) {
        return pauses.covering(instance, rule, nowMs);
    }

    @Override
    public Block blockOf(String instance, Change change, boolean dryRunRule, long nowMs) {
        Component component = change.component();
        ActionLocks.Lock lock = locks.known(instance, component, Direction.of(change), nowMs);
        if (lock != null) {
            return new Block(lock.untilMs() == Long.MAX_VALUE ? Block.Kind.RUNNING : Block.Kind.COOLDOWN,
                    lock.actionId() == 0 ? null : lock.actionId(), lock.rule(), lock.untilMs());
        }
        return dryRunRule ? shadows.blockOf(instance, component, nowMs) : null;
    }

    /** A dry run acted as if for real: its component waits the rule's (or schedule's) cooldown, for dry runs only. */
    void startShadowCooldown(String instance, Component component, String rule, long untilMs) {
        shadows.start(instance, component, rule, untilMs);
    }

    @Override
    public Block alertQuiet(String instance, Rule rule, long nowMs) {
        long until = (dryRun(rule) ? dryAlertThrottle : alertThrottle).quietUntil(instance, rule.name(), nowMs);
        return until > nowMs ? new Block(Block.Kind.ALERT_QUIET, null, rule.name(), until) : null;
    }

    @Override
    public Size sizeOf(String instance) {
        return null; // the command executor reads it from the instance API when the action runs
    }

    @Override
    public Limits limits() {
        return rulesets.get().limits();
    }

    @Override
    public boolean dryRun(Rule rule) {
        return dryRun || rule.dryRun();
    }
}

package io.scalemanager.manager.decide;

import io.scalemanager.core.sizing.ResizePlan;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.time.DurationText;
import io.scalemanager.manager.pause.Pause;
import io.scalemanager.manager.rules.Condition;
import io.scalemanager.manager.rules.Rule;

import java.time.Duration;

/**
 * What came of evaluating one rule for one instance at one event: data, so "why did it (not) scale" is stored
 * and shown rather than reconstructed from logs. Every outcome has a kind (as the API names it), the event time
 * it was decided at and a reason a person reads without the code. Reasons are put into words only when asked
 * for: most outcomes are {@code not_held} and are replaced by the next event's before anyone reads them.
 *
 */
public sealed interface Outcome {

    /**
     * The rule decided on; null for a schedule's occurrence ({@link Fired}, {@link WouldFire} or {@link Blocked}),
     * which {@link #ruleName()} names: a schedule is no rule, but shares the rules' names and outcomes.
     */
    Rule rule();

    /** The name of the rule (or schedule) the outcome is recorded under. */
    default String ruleName() {
        return rule().name();
    }

    /** Epoch milliseconds of the event (measurement time) it was decided at. */
    long atMs();

    OutcomeKind kind();

    String reason();

    /** The action started, blocking, or found at its limit; null when none. */
    default Long actionId() {
        return null;
    }

    /** When a block or pause ends; null when the outcome has no end of its own. */
    default Long untilMs() {
        return null;
    }

    /**
     * The condition held and nothing the {@link Decider} knows of stops the rule: the caller acts, and then
     * records {@link Fired} or {@link WouldFire} (or {@link Blocked} when the ActionLog's lock is taken after all).
     *
     * @param plan the resize it comes to when the instance's size is known, else null
     */
    record Held(Rule rule, Event event, boolean dryRun, ResizePlan.Resize plan) implements Outcome {
        @Override
        public long atMs() {
            return event.state().timestampMs();
        }

        @Override
        public OutcomeKind kind() {
            return dryRun ? OutcomeKind.WOULD_FIRE : OutcomeKind.FIRED;
        }

        /** {@code load > 4 for 20s, latest 6.54}: also the reason stored with the action. */
        @Override
        public String reason() {
            String latest = rule.types().size() == 1 ? "" : event.state().type() + " ";
            return rule.when().describe() + rule.heldText() + ", latest " + latest
                    + Reasons.number(event.state().value());
        }
    }

    /** An action was started (by a rule, or by a schedule's occurrence: then {@code rule} is null). */
    record Fired(String ruleName, Rule rule, long atMs, String reason, Long actionId) implements Outcome {
        /** A rule started an action (or raised its alert). */
        public Fired(Rule rule, long atMs, String reason, Long actionId) {
            this(rule.name(), rule, atMs, reason, actionId);
        }

        @Override
        public OutcomeKind kind() {
            return OutcomeKind.FIRED;
        }
    }

    /**
     * A dry run would have acted (a rule's, or a schedule's occurrence): nothing was sent and no lock taken; its
     * shadow cooldown runs until {@code untilMs}. It names its rule or schedule rather than holding a {@link Rule},
     * since a schedule is none: {@link #rule()} is null for a schedule's.
     *
     * @param plan      the resize it would have made; null for an alert rule or when the size could not be read
     * @param otherwise what it would have done when there is no plan: {@code raise an alert}, {@code cpu +1}
     */
    record WouldFire(String ruleName, Rule rule, long atMs, String why, ResizePlan.Resize plan, Long untilMs,
                     String otherwise) implements Outcome {
        /** A dry-run rule would have acted. */
        public WouldFire(Rule rule, long atMs, String why, ResizePlan.Resize plan, Long untilMs) {
            this(rule.name(), rule, atMs, why, plan, untilMs,
                    rule.isAlert() ? "raise an alert" : rule.then().describe());
        }

        @Override
        public OutcomeKind kind() {
            return OutcomeKind.WOULD_FIRE;
        }

        @Override
        public String reason() {
            return "would " + (plan != null ? "resize " + plan.describe() : otherwise) + " (dry run): " + why;
        }
    }

    /**
     * The condition did not hold. For a plain condition ({@code plain}) either the latest value fails it
     * ({@code runStartMs} is {@link Long#MAX_VALUE}) or its run of matching samples is too short (or broken by a
     * gap); for aggregates and combined conditions the reason gives the event's latest value.
     */
    record NotHeld(Rule rule, long atMs, String type, double latest, long runStartMs, boolean plain)
            implements Outcome {
        @Override
        public OutcomeKind kind() {
            return OutcomeKind.NOT_HELD;
        }

        @Override
        public String reason() {
            if (plain && rule.when() instanceof Condition c) {
                if (runStartMs == Long.MAX_VALUE) {
                    return type + " " + Reasons.number(latest) + " " + Reasons.negated(c.op()) + " "
                            + Reasons.number(c.threshold()) + " at " + Reasons.time(atMs);
                }
                long heldMs = Math.max(0, atMs - runStartMs) / 1000 * 1000;
                if (heldMs >= rule.forDuration().toMillis()) {
                    return c.describe() + " since " + Reasons.time(runStartMs) + ", but a gap between samples "
                            + "longer than max_gap breaks the run";
                }
                return c.describe() + " held " + DurationText.format(Duration.ofMillis(heldMs)) + " of "
                        + DurationText.format(rule.forDuration()) + " (since " + Reasons.time(runStartMs) + ")";
            }
            return rule.when().describe() + rule.heldText() + " does not hold; latest " + type + " "
                    + Reasons.number(latest) + " at " + Reasons.time(atMs);
        }
    }

    /**
     * No data to decide on: the instance has not reported the rule's type since {@code lastSampleMs}
     * ({@link Long#MIN_VALUE}: never).
     */
    record Stale(Rule rule, long atMs, long lastSampleMs) implements Outcome {
        @Override
        public OutcomeKind kind() {
            return OutcomeKind.STALE;
        }

        @Override
        public String reason() {
            String types = String.join(" or ", rule.types());
            if (lastSampleMs == Long.MIN_VALUE) {
                return "no " + types + " reported yet";
            }
            return "no " + types + " reported since " + Reasons.time(lastSampleMs);
        }
    }

    /**
     * The condition held (or a schedule's occurrence is due: then {@code rule} is null), but an action, a cooldown
     * or a dry run's shadow cooldown blocks the component.
     */
    record Blocked(String ruleName, Rule rule, long atMs, Block block) implements Outcome {
        /** A rule that holds is blocked. */
        public Blocked(Rule rule, long atMs, Block block) {
            this(rule.name(), rule, atMs, block);
        }

        @Override
        public OutcomeKind kind() {
            return OutcomeKind.BLOCKED;
        }

        @Override
        public String reason() {
            return block.describe();
        }

        @Override
        public Long actionId() {
            return block.actionId();
        }

        @Override
        public Long untilMs() {
            return block.untilMs() == Long.MAX_VALUE ? null : block.untilMs();
        }
    }

    /**
     * The condition held, but the change comes to nothing within the limits (or the size already is what it
     * asks for).
     *
     * @param pattern  the limits' instance pattern that set the bound, null when no limit did
     * @param actionId the action that found it, when the command executor did
     */
    record AtLimit(Rule rule, long atMs, ResizePlan.Unchanged plan, String pattern, Long actionId)
            implements Outcome {
        @Override
        public OutcomeKind kind() {
            return OutcomeKind.AT_LIMIT;
        }

        /** {@code at limit: cpu 16 = max 16 for web-*}. */
        @Override
        public String reason() {
            String component = plan.change().component().wireName();
            if (!plan.atLimit()) {
                return "nothing to change: " + plan.describe();
            }
            boolean up = plan.wanted() > plan.current();
            return "at limit: " + component + " " + plan.current() + (plan.current() == plan.limit() ? " = " : " vs ")
                    + (up ? "max " : "min ") + plan.limit() + (pattern == null ? "" : " for " + pattern);
        }
    }

    /**
     * The condition held for a shrink, but the shrink guard refused it: the instance's history says it would run
     * too full at the new size. Recorded once per cooldown (the action that found it starts the cooldown).
     *
     * @param figures  {@code ram 4096 → 3072 would run at 93% (p99 of 24h)}
     * @param actionId the action that was not carried out
     */
    record Guard(Rule rule, long atMs, String figures, Long actionId) implements Outcome {
        @Override
        public OutcomeKind kind() {
            return OutcomeKind.GUARD;
        }

        @Override
        public String reason() {
            return "shrink refused by the guard: " + figures;
        }
    }

    /**
     * Paused by a pause ({@code pause} non-null) or {@code enabled: false} in the ruleset. The window keeps
     * filling, so the rule acts at once when the pause ends if its condition held all along.
     */
    record Paused(Rule rule, long atMs, Pause pause, boolean held) implements Outcome {
        @Override
        public OutcomeKind kind() {
            return OutcomeKind.PAUSED;
        }

        @Override
        public String reason() {
            String holds = held ? "; the condition holds" : "; the condition does not hold";
            if (pause == null) {
                return "disabled in the ruleset (enabled: false)" + holds;
            }
            return "paused until " + Reasons.time(pause.untilMs()) + " by pause " + pause.id()
                    + (pause.comment().isEmpty() ? "" : " (" + pause.comment() + ")") + holds;
        }

        @Override
        public Long untilMs() {
            return pause == null ? null : pause.untilMs();
        }
    }

    /** Outside the rule's {@code active} times: it acts not, however its data looks. */
    record OutsideSchedule(Rule rule, long atMs, boolean held) implements Outcome {
        @Override
        public OutcomeKind kind() {
            return OutcomeKind.OUTSIDE_SCHEDULE;
        }

        @Override
        public String reason() {
            return "outside its active times at " + Reasons.time(atMs)
                    + (held ? "; the condition holds" : "; the condition does not hold");
        }
    }

    /**
     * The condition held, but a change budget of the instance is spent ({@code why} names it), until
     * {@code untilMs} when known.
     */
    record OverBudget(Rule rule, long atMs, String why, Long untilMs) implements Outcome {
        @Override
        public OutcomeKind kind() {
            return OutcomeKind.BUDGET;
        }

        @Override
        public String reason() {
            return "budget: " + why;
        }
    }

    /** The event is older than manager.max_event_age: it fills the window but decides nothing. */
    record TooOld(Rule rule, long atMs, Duration maxAge) implements Outcome {
        @Override
        public OutcomeKind kind() {
            return OutcomeKind.TOO_OLD;
        }

        @Override
        public String reason() {
            return "the event of " + Reasons.time(atMs) + " is older than manager.max_event_age ("
                    + DurationText.format(maxAge) + "); it decides nothing";
        }
    }
}

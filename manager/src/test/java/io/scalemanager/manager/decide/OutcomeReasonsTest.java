package io.scalemanager.manager.decide;

import io.scalemanager.core.condition.Operator;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Bounds;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.Limits;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.manager.pause.Pause;
import io.scalemanager.manager.rules.Condition;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.RuleAction;
import io.scalemanager.manager.window.Windows;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every outcome the Decider gives, with the reason a person reads. Times are UTC. */
class OutcomeReasonsTest {
    /** 2026-12-01 12:00:00 UTC. */
    private static final long NOON = Instant.parse("2026-12-01T12:00:00Z").toEpochMilli();
    private static final Change CPU_UP = new Change(Component.CPU, ChangeMode.REL, 1);

    private final Decider decider = new Decider();
    private final FixedCircumstances world = new FixedCircumstances();

    private static Rule cpuUp(String forText, boolean dryRun, boolean enabled) {
        return new Rule("cpu-up", InstancePattern.parse("web-*"), new Condition("load", Operator.GT, 4),
                io.scalemanager.core.time.DurationText.parse(forText), new RuleAction.Resize(CPU_UP),
                Duration.ofMinutes(10), 3).withSwitches(dryRun, enabled);
    }

    private static Event load(long secondsAfterNoon, double value) {
        long ts = NOON + secondsAfterNoon * 1000;
        return new Event(ts * 1000, new State("web-3", "load", value, ts));
    }

    private static Windows window(long fromSecond, long toSecond, double value) {
        Windows w = new Windows(Map.of("load", Duration.ofHours(1)), Duration.ZERO);
        for (long s = fromSecond; s <= toSecond; s += 10) {
            w.add("web-3", "load", NOON + s * 1000, value);
        }
        return w;
    }

    private Outcome decide(Rule rule, Windows w, Event e) {
        return decider.decide(e, w, List.of(rule), world, e.state().timestampMs()).get(0);
    }

    @Test
    void notHeldGivesTheValueAndTheThresholdItFailed() {
        Windows w = window(0, 10, 3.2);
        Outcome o = decide(cpuUp("5m", false, true), w, load(10, 3.2));

        assertThat(o.kind()).isEqualTo(OutcomeKind.NOT_HELD);
        assertThat(o.reason()).isEqualTo("load 3.2 ≤ 4 at 12:00:10");
    }

    @Test
    void notHeldLongEnoughSaysForHowLongAndSince() {
        Windows w = window(-60, 0, 2);
        for (long s = 10; s <= 40; s += 10) {
            w.add("web-3", "load", NOON + s * 1000, 6);
        }
        Outcome o = decide(cpuUp("5m", false, true), w, load(40, 6));

        assertThat(o.kind()).isEqualTo(OutcomeKind.NOT_HELD);
        assertThat(o.reason()).isEqualTo("load > 4 held 30s of 5m (since 12:00:10)");
    }

    @Test
    void heldRuleWithoutAnythingInTheWayIsForTheCallerToAct() {
        Outcome o = decide(cpuUp("1m", false, true), window(0, 60, 6.5), load(60, 6.5));

        assertThat(o).isInstanceOf(Outcome.Held.class);
        assertThat(o.kind()).isEqualTo(OutcomeKind.FIRED);
        assertThat(o.reason()).isEqualTo("load > 4 for 1m, latest 6.5");
    }

    @Test
    void dryRunRuleHoldsAsWouldFire() {
        Outcome o = decide(cpuUp("1m", true, true), window(0, 60, 6.5), load(60, 6.5));

        assertThat(o.kind()).isEqualTo(OutcomeKind.WOULD_FIRE);
    }

    @Test
    void blockedNamesTheActionAndUntilWhen() {
        world.blocks.put("web-3/cpu", new Block(Block.Kind.COOLDOWN, 812L, "cpu-down",
                Instant.parse("2026-12-01T12:15:00Z").toEpochMilli()));
        Outcome o = decide(cpuUp("1m", false, true), window(0, 60, 6.5), load(60, 6.5));

        assertThat(o.kind()).isEqualTo(OutcomeKind.BLOCKED);
        assertThat(o.reason()).isEqualTo("blocked: action 812 (cpu-down) cooling down until 12:15:00");
        assertThat(o.actionId()).isEqualTo(812L);
        assertThat(o.untilMs()).isEqualTo(Instant.parse("2026-12-01T12:15:00Z").toEpochMilli());
    }

    @Test
    void aRunningActionBlocksWithoutAnEnd() {
        world.blocks.put("web-3/cpu", new Block(Block.Kind.RUNNING, 813L, "cpu-up", Long.MAX_VALUE));
        Outcome o = decide(cpuUp("1m", false, true), window(0, 60, 6.5), load(60, 6.5));

        assertThat(o.reason()).isEqualTo("blocked: action 813 (cpu-up) is under way (pending, running or awaiting its new size)");
        assertThat(o.untilMs()).isNull();
    }

    @Test
    void aDryRunsShadowCooldownBlocksOnlyDryRuns() {
        world.blocks.put("web-3/cpu", new Block(Block.Kind.SHADOW_COOLDOWN, null, "cpu-up", NOON + 600_000));

        assertThat(decide(cpuUp("1m", true, true), window(0, 60, 6.5), load(60, 6.5)).reason())
                .isEqualTo("blocked: the dry run of rule cpu-up cooling down until 12:10:00");
        assertThat(decide(cpuUp("1m", false, true), window(0, 60, 6.5), load(60, 6.5)))
                .isInstanceOf(Outcome.Held.class);
    }

    @Test
    void atLimitNamesTheBoundAndItsPattern() {
        world.sizes.put("web-3", new Size(16, 4096, 50));
        world.limits = new Limits(List.of(new Limits.Entry(InstancePattern.parse("web-*"),
                Map.of(Component.CPU, new Bounds(1, 16)))));
        Outcome o = decide(cpuUp("1m", false, true), window(0, 60, 6.5), load(60, 6.5));

        assertThat(o.kind()).isEqualTo(OutcomeKind.AT_LIMIT);
        assertThat(o.reason()).isEqualTo("at limit: cpu 16 = max 16 for web-*");
    }

    @Test
    void knownSizeGivesTheResizeItComesTo() {
        world.sizes.put("web-3", new Size(2, 4096, 50));
        Outcome o = decide(cpuUp("1m", true, true), window(0, 60, 6.5), load(60, 6.5));

        assertThat(((Outcome.Held) o).plan().describe()).isEqualTo("cpu 2 → 3");
    }

    @Test
    void pausedSaysByWhichPauseUntilWhenAndWhetherTheConditionHolds() {
        world.pauses.add(new Pause(4, InstancePattern.parse("web-*"), "cpu-up", NOON + 3_600_000, "release",
                NOON, "ops"));
        Outcome o = decide(cpuUp("1m", false, true), window(0, 60, 6.5), load(60, 6.5));

        assertThat(o.kind()).isEqualTo(OutcomeKind.PAUSED);
        assertThat(o.reason()).isEqualTo("paused until 13:00:00 by pause 4 (release); the condition holds");
        assertThat(o.untilMs()).isEqualTo(NOON + 3_600_000);
    }

    @Test
    void aPauseOfAnotherRuleOrInstanceDoesNotPause() {
        world.pauses.add(new Pause(4, InstancePattern.parse("db-*"), "*", NOON + 3_600_000, "", NOON, "ops"));
        world.pauses.add(new Pause(5, InstancePattern.parse("*"), "cpu-down", NOON + 3_600_000, "", NOON, "ops"));

        assertThat(decide(cpuUp("1m", false, true), window(0, 60, 6.5), load(60, 6.5)))
                .isInstanceOf(Outcome.Held.class);
    }

    @Test
    void disabledRuleIsPausedByTheRuleset() {
        Outcome o = decide(cpuUp("1m", false, false), window(0, 60, 3), load(60, 3));

        assertThat(o.kind()).isEqualTo(OutcomeKind.PAUSED);
        assertThat(o.reason()).isEqualTo("disabled in the ruleset (enabled: false); the condition does not hold");
    }

    @Test
    void staleAndTooOldSayWhatIsMissing() {
        Rule rule = cpuUp("1m", false, true);
        assertThat(new Outcome.Stale(rule, NOON, Long.MIN_VALUE).reason()).isEqualTo("no load reported yet");
        assertThat(new Outcome.Stale(rule, NOON + 600_000, NOON).reason())
                .isEqualTo("no load reported since 12:00:00");
        assertThat(new Outcome.TooOld(rule, NOON, Duration.ofMinutes(10)).reason())
                .isEqualTo("the event of 12:00:00 is older than manager.max_event_age (10m); it decides nothing");
    }

    @Test
    void wouldFireNamesTheResize() {
        Rule rule = cpuUp("1m", true, true);
        Outcome o = new Outcome.WouldFire(rule, NOON, "load > 4 for 1m, latest 6.5",
                new io.scalemanager.core.sizing.ResizePlan.Resize(Component.CPU, 2, 3), NOON + 600_000);

        assertThat(o.reason()).isEqualTo("would resize cpu 2 → 3 (dry run): load > 4 for 1m, latest 6.5");
    }
}

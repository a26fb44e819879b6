package io.scalemanager.manager.backtest;

import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.Limits;
import io.scalemanager.core.sizing.ResizePlan;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.time.DurationText;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.Direction;
import io.scalemanager.manager.decide.Block;
import io.scalemanager.manager.decide.Circumstances;
import io.scalemanager.manager.decide.ShadowCooldowns;
import io.scalemanager.manager.pause.Pause;
import io.scalemanager.manager.pause.Pauses;
import io.scalemanager.manager.rules.Budget;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.verify.SizeReports;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A backtest's world, answering the {@link io.scalemanager.manager.decide.Decider} as the live manager's does: a
 * simulated ActionLog (a lock per instance and component held while an action runs, then per-direction
 * cooldowns as {@code action_lock} keeps them; change budgets) and simulated sizes. An action runs, as a live
 * one does, until the instance's own reports show its new size (at most its rule's {@code verify_timeout},
 * else manager.verify_timeout); an instance that does not report the component's size finishes it at once.
 * Sizes start from what was recorded: the ActionLog's latest size before the range when the instance's reports
 * agree with it, else the reported size, else the default. Pauses are those recorded in force during the range,
 * each from its creation to its end; dry runs wait their shadow cooldowns as the manager's do. Not thread-safe:
 * one replay owns it.
 */
final class SimulatedWorld implements Circumstances {
    private static final Component[] COMPONENTS = Component.values();
    /** A concurrency budget has no period of its own: its alert repeats at most this often, as in the ActionLog. */
    private static final long CONCURRENCY_ALERT_MS = 600_000;

    /** The simulated {@code action_lock} row of one component, and the action that last took it. */
    static final class Lock {
        long actionId;
        String rule;
        boolean running;
        long runningUntilMs;
        long blockedUntilMs;
        long downBlockedUntilMs;
        long fromValue;
        long toValue;
        long cooldownMs;
        List<Budget> budgets = List.of();
    }

    /** What the backtest knows of one instance. */
    static final class Instance {
        /** The simulated size per component once a backtest action set it, else -1. */
        final long[] simulated = {-1, -1, -1};
        /** The latest reported size per component (cpus, ram_total_mb, storage_total_gb), NaN when none. */
        final double[] reported = {Double.NaN, Double.NaN, Double.NaN};
        /** The ActionLog's latest size per component before the range, -1 when none. */
        final long[] recorded = {-1, -1, -1};
        final Lock[] locks = new Lock[COMPONENTS.length];
        int running;
        Map<String, Long> alertQuietUntil;
        /** Per rule index: whether the rule's current run found it at its limit (counted once per run). */
        boolean[] atLimit;
        /** Per component: the last simulated action, for flaps. */
        final SimulatedAction[] lastAction = new SimulatedAction[COMPONENTS.length];
    }

    private static final class BudgetState {
        final ArrayDeque<Long> startedMs = new ArrayDeque<>();
        int running;
        long alertedUntilMs;
    }

    /** A budget is spent: why, until when, and whether this is the one alert of its period. */
    record Spent(String reason, Long untilMs, boolean alert) {
    }

    private final Limits limits;
    private final Duration verifyTimeout;
    private final Size defaultSize;
    private final int ruleCount;
    private final List<Pause> pauses;
    private final boolean dryRun;
    private final ShadowCooldowns shadows = new ShadowCooldowns();
    private final Map<String, Instance> instances = new HashMap<>();
    private final Map<String, BudgetState> budgets = new HashMap<>();
    private long nextActionId = 1;

    /**
     * @param pauses the pauses in force at some moment of the range
     * @param dryRun manager.dry_run: every rule runs dry
     */
    SimulatedWorld(Limits limits, Duration verifyTimeout, Size defaultSize, int ruleCount, List<Pause> pauses,
                   boolean dryRun) {
        this.limits = limits;
        this.verifyTimeout = verifyTimeout;
        this.defaultSize = defaultSize;
        this.ruleCount = ruleCount;
        this.pauses = List.copyOf(pauses);
        this.dryRun = dryRun;
    }

    Instance instance(String id) {
        Instance i = instances.get(id);
        if (i == null) {
            i = new Instance();
            i.atLimit = new boolean[ruleCount];
            instances.put(id, i);
        }
        return i;
    }

    /**
     * The world as the ActionLog left it before the range: the latest action of a component gives its size and,
     * when it was still running or cooling down at {@code fromMs}, its lock.
     */
    void seed(Action a, long fromMs) {
        Instance inst = instance(a.instance());
        int c = a.change().component().ordinal();
        if (a.toValue() != null) {
            inst.recorded[c] = a.toValue();
        }
        long end = a.finishedAtMs() != null ? a.finishedAtMs() : fromMs;
        Lock lock = new Lock();
        lock.actionId = a.id();
        lock.rule = a.rule();
        lock.cooldownMs = a.cooldownMs();
        lock.fromValue = a.fromValue() == null ? -1 : a.fromValue();
        lock.toValue = a.toValue() == null ? -1 : a.toValue();
        inst.locks[c] = lock;
        if (end > fromMs) {
            lock.running = true;
            lock.runningUntilMs = end;
            inst.running++;
        } else {
            close(lock, end);
        }
    }

    /**
     * Every event passes here first: a report of a component's size is remembered and may finish the action
     * waiting for it; an action whose verify timeout passed finishes then.
     */
    void observe(String id, String type, double value, long nowMs) {
        int c = sizeReportIndex(type);
        Instance inst = c < 0 ? instances.get(id) : instance(id);
        if (inst == null) {
            return;
        }
        if (c >= 0) {
            inst.reported[c] = value;
            Lock lock = inst.locks[c];
            if (lock != null && lock.running && SizeReports.shows(COMPONENTS[c], value,
                    lock.fromValue < 0 ? null : lock.fromValue, lock.toValue)) {
                finish(inst, lock, nowMs);
            }
        }
        if (inst.running > 0) {
            for (Lock lock : inst.locks) {
                if (lock != null && lock.running && lock.runningUntilMs <= nowMs) {
                    finish(inst, lock, lock.runningUntilMs);
                }
            }
        }
    }

    private static int sizeReportIndex(String type) {
        // The three report types of sizes, as SizeReports names them; compared by length first, as this runs on
        // every event.
        return switch (type.length()) {
            case 4 -> type.equals("cpus") ? Component.CPU.ordinal() : -1;
            case 12 -> type.equals("ram_total_mb") ? Component.RAM.ordinal() : -1;
            case 16 -> type.equals("storage_total_gb") ? Component.STORAGE.ordinal() : -1;
            default -> -1;
        };
    }

    /** Starts a simulated action of a rule: the lock is taken, the size changes, and it runs until its size shows. */
    SimulatedAction start(String id, Rule rule, ResizePlan.Resize plan, List<Budget> actionBudgets, long nowMs) {
        return start(id, rule.name(), plan, rule.cooldown().toMillis(),
                rule.checks().verifyTimeoutOr(verifyTimeout).toMillis(), actionBudgets, nowMs);
    }

    /**
     * Starts a simulated action (of a rule or a schedule): the lock is taken, the size changes, and it runs until
     * its size shows, at most {@code verifyMs}.
     */
    SimulatedAction start(String id, String rule, ResizePlan.Resize plan, long cooldownMs, long verifyMs,
                          List<Budget> actionBudgets, long nowMs) {
        Instance inst = instance(id);
        int c = plan.component().ordinal();
        Lock lock = take(inst, c, rule, cooldownMs, actionBudgets, nowMs);
        lock.fromValue = plan.from();
        lock.toValue = plan.to();
        lock.runningUntilMs = nowMs + verifyMs;
        inst.simulated[c] = plan.to();
        if (Double.isNaN(inst.reported[c])) {
            // No reports of this size to wait for: the provider's reading confirms it, at once here.
            finish(inst, lock, nowMs);
        }
        return new SimulatedAction(nowMs, id, rule, plan.component(), plan.from(), plan.to(), false);
    }

    /**
     * A schedule's action that finds its size already set: it took the lock and counted in the budgets, and ends
     * at once, its cooldown starting (as the command executor fails a live one that finds nothing to change).
     */
    void startUnchanged(String id, String rule, Component component, long cooldownMs, List<Budget> actionBudgets,
                        long nowMs) {
        Instance inst = instance(id);
        finish(inst, take(inst, component.ordinal(), rule, cooldownMs, actionBudgets, nowMs), nowMs);
    }

    private Lock take(Instance inst, int c, String rule, long cooldownMs, List<Budget> actionBudgets, long nowMs) {
        Lock lock = new Lock();
        lock.actionId = nextActionId++;
        lock.rule = rule;
        lock.fromValue = -1;
        lock.toValue = -1;
        lock.cooldownMs = cooldownMs;
        lock.running = true;
        lock.runningUntilMs = nowMs;
        lock.budgets = actionBudgets;
        Lock before = inst.locks[c];
        if (before != null) {
            // Cooldowns of scale-downs outlive a later action, as action_lock.down_blocked_until does.
            lock.downBlockedUntilMs = before.downBlockedUntilMs;
        }
        inst.locks[c] = lock;
        inst.running++;
        for (Budget b : actionBudgets) {
            BudgetState s = budgets.computeIfAbsent(b.key(), k -> new BudgetState());
            s.startedMs.addLast(nowMs);
            s.running++;
        }
        return lock;
    }

    /**
     * A dry run of a resize rule would have acted: the component waits the rule's cooldown for dry runs (the
     * manager's shadow cooldown); nothing else changes.
     */
    SimulatedAction startDry(String id, Rule rule, ResizePlan.Resize plan, long nowMs) {
        return startDry(id, rule.name(), plan, rule.cooldown().toMillis(), nowMs);
    }

    /**
     * A dry run (of a rule or a schedule's occurrence) would have resized: the component waits {@code cooldownMs}
     * for dry runs (the manager's shadow cooldown); nothing else changes.
     */
    SimulatedAction startDry(String id, String rule, ResizePlan.Resize plan, long cooldownMs, long nowMs) {
        shadows.start(id, plan.component(), rule, nowMs + cooldownMs);
        return new SimulatedAction(nowMs, id, rule, plan.component(), plan.from(), plan.to(), true);
    }

    /** A schedule's dry run whose size is already set: it would start its cooldown all the same, as live. */
    void startDryUnchanged(String id, String rule, Component component, long cooldownMs, long nowMs) {
        shadows.start(id, component, rule, nowMs + cooldownMs);
    }

    private void finish(Instance inst, Lock lock, long atMs) {
        lock.running = false;
        inst.running--;
        for (Budget b : lock.budgets) {
            budgets.get(b.key()).running--;
        }
        close(lock, atMs);
    }

    /** The lock turns into the cooldowns, as ActionLog.finish does: a shrink blocks only later shrinks. */
    private static void close(Lock lock, long atMs) {
        long until = atMs + lock.cooldownMs;
        boolean shrank = lock.toValue >= 0 && lock.fromValue >= 0 && lock.toValue < lock.fromValue;
        lock.blockedUntilMs = shrank ? atMs : until;
        lock.downBlockedUntilMs = Math.max(lock.downBlockedUntilMs, until);
    }

    /** The first of the budgets with no room at nowMs, or null; as the ActionLog counts them. */
    Spent spent(List<Budget> actionBudgets, long nowMs) {
        for (Budget b : actionBudgets) {
            BudgetState s = budgets.computeIfAbsent(b.key(), k -> new BudgetState());
            String reason = null;
            Long until = null;
            if (b.maxActions() > 0) {
                long since = nowMs - b.per().toMillis();
                while (!s.startedMs.isEmpty() && s.startedMs.peekFirst() <= since) {
                    s.startedMs.removeFirst();
                }
                if (s.startedMs.size() >= b.maxActions()) {
                    reason = b.describe() + " is spent: " + s.startedMs.size() + " actions in the last "
                            + DurationText.format(b.per());
                    until = s.startedMs.peekFirst() + b.per().toMillis();
                }
            }
            if (reason == null && b.maxConcurrent() > 0 && s.running >= b.maxConcurrent()) {
                reason = b.describe() + " is spent: " + s.running + " actions pending or running";
            }
            if (reason != null) {
                boolean alert = s.alertedUntilMs <= nowMs;
                if (alert) {
                    s.alertedUntilMs = nowMs + (b.maxActions() > 0 ? b.per().toMillis() : CONCURRENCY_ALERT_MS);
                }
                return new Spent(reason, until, alert);
            }
        }
        return null;
    }

    /** An alert rule raised its alert: it stays quiet for its cooldown, as the manager's throttle keeps it. */
    void raised(String id, Rule rule, long nowMs) {
        Instance inst = instance(id);
        if (inst.alertQuietUntil == null) {
            inst.alertQuietUntil = new HashMap<>();
        }
        inst.alertQuietUntil.put(rule.name(), nowMs + rule.cooldown().toMillis());
    }

    @Override
    public Pause pauseOf(String instance, Rule rule, long nowMs) {
        return pauses.isEmpty() ? null : Pauses.covering(pauses, instance, rule, nowMs);
    }

    @Override
    public Block blockOf(String id, Change change, boolean dryRunRule, long nowMs) {
        Instance inst = instances.get(id);
        Lock lock = inst == null ? null : inst.locks[change.component().ordinal()];
        if (lock != null) {
            if (lock.running) {
                return new Block(Block.Kind.RUNNING, lock.actionId, lock.rule, Long.MAX_VALUE);
            }
            long until = Direction.of(change) == Direction.UP ? lock.blockedUntilMs
                    : Math.max(lock.blockedUntilMs, lock.downBlockedUntilMs);
            if (until > nowMs) {
                return new Block(Block.Kind.COOLDOWN, lock.actionId, lock.rule, until);
            }
        }
        // As the manager: a lock first, then, for a dry run only, its shadow cooldown.
        return dryRunRule ? shadows.blockOf(id, change.component(), nowMs) : null;
    }

    @Override
    public Block alertQuiet(String id, Rule rule, long nowMs) {
        Instance inst = instances.get(id);
        Long until = inst == null || inst.alertQuietUntil == null ? null : inst.alertQuietUntil.get(rule.name());
        return until != null && until > nowMs ? new Block(Block.Kind.ALERT_QUIET, null, rule.name(), until) : null;
    }

    @Override
    public Size sizeOf(String id) {
        Instance inst = instance(id);
        return new Size(size(inst, Component.CPU), size(inst, Component.RAM), size(inst, Component.STORAGE));
    }

    private long size(Instance inst, Component component) {
        int c = component.ordinal();
        if (inst.simulated[c] >= 0) {
            return inst.simulated[c];
        }
        double reported = inst.reported[c];
        long recorded = inst.recorded[c];
        if (recorded >= 0 && (Double.isNaN(reported) || SizeReports.shows(component, reported, null, recorded))) {
            return recorded;
        }
        if (!Double.isNaN(reported)) {
            return Math.round(reported);
        }
        return defaultSize.get(component);
    }

    @Override
    public Limits limits() {
        return limits;
    }

    @Override
    public boolean dryRun(Rule rule) {
        return dryRun || rule.dryRun();
    }
}

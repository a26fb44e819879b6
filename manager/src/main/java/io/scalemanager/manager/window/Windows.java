package io.scalemanager.manager.window;

import io.scalemanager.core.state.State;
import io.scalemanager.manager.rules.Condition;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.rules.When;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@link Window}s of one partition: one per (instance, type) for the types the ruleset watches, each keeping
 * the longest {@code for} of its type plus a margin. Samples of other types are not kept. Not thread-safe by
 * design: the partition's thread owns it.
 */
public final class Windows {
    /** Extra history beyond the longest {@code for}, so evaluating a slightly late event still sees its run. */
    public static final Duration DEFAULT_MARGIN = Duration.ofMinutes(1);

    private final Map<String, Integer> typeIndex = new HashMap<>();
    private final long[] retentionMs;
    private final Map<String, Window[]> byInstance = new HashMap<>();

    public Windows(Ruleset ruleset) {
        this(ruleset, DEFAULT_MARGIN);
    }

    public Windows(Ruleset ruleset, Duration margin) {
        this(ruleset.longestForByType(), margin);
    }

    /** Windows for the given types, each keeping its duration plus the margin. */
    public Windows(Map<String, Duration> historyByType, Duration margin) {
        if (margin.isNegative()) {
            throw new IllegalArgumentException("margin must not be negative: " + margin);
        }
        retentionMs = new long[historyByType.size()];
        for (Map.Entry<String, Duration> e : historyByType.entrySet()) {
            int i = typeIndex.size();
            typeIndex.put(e.getKey(), i);
            retentionMs[i] = e.getValue().plus(margin).toMillis();
        }
    }

    /**
     * These windows for another ruleset: the windows of types still watched keep their samples, now with the new
     * retention; types no longer watched are dropped, newly watched ones start empty. Used by a rules reload, so
     * a condition that held across the reload does not wait its {@code for} again.
     */
    public Windows resizedFor(Map<String, Duration> historyByType, Duration margin) {
        Windows resized = new Windows(historyByType, margin);
        for (Map.Entry<String, Window[]> e : byInstance.entrySet()) {
            for (Map.Entry<String, Integer> type : typeIndex.entrySet()) {
                Window old = e.getValue()[type.getValue()];
                Integer t = resized.typeIndex.get(type.getKey());
                if (old == null || t == null) {
                    continue;
                }
                Window[] windows = resized.byInstance.computeIfAbsent(e.getKey(),
                        k -> new Window[resized.retentionMs.length]);
                windows[t] = old.retentionMs() == resized.retentionMs[t] ? old
                        : old.withRetention(resized.retentionMs[t]);
            }
        }
        return resized;
    }

    /** Adds the state to its window and returns that window; null when no rule watches the state's type. */
    public Window add(State state) {
        return add(state.instance(), state.type(), state.timestampMs(), state.value());
    }

    /** Adds a sample (for instance when warming up from the History) and returns its window, or null. */
    public Window add(String instance, String type, long timestampMs, double value) {
        Integer t = typeIndex.get(type);
        if (t == null) {
            return null;
        }
        Window[] windows = byInstance.get(instance);
        if (windows == null) {
            windows = new Window[retentionMs.length];
            byInstance.put(instance, windows);
        }
        Window w = windows[t];
        if (w == null) {
            w = new Window(retentionMs[t]);
            windows[t] = w;
        }
        w.add(timestampMs, value);
        return w;
    }

    /** The window of (instance, type); null when it has no samples yet or the type is not watched. */
    public Window get(String instance, String type) {
        Integer t = typeIndex.get(type);
        Window[] windows = t == null ? null : byInstance.get(instance);
        return windows == null ? null : windows[t];
    }

    /**
     * Whether the rule's {@code when} has held for the instance as of {@code asOfMs}: its {@code for},
     * {@code ratio} and max gap apply to each condition, each condition is judged on the window of its own type,
     * and {@code all} / {@code any} combine them. Queries the windows only; nothing is stored.
     */
    public boolean held(String instance, Rule rule, long asOfMs, long maxGapMs) {
        Window[] windows = byInstance.get(instance);
        return windows != null && held(windows, rule.when(), rule.forDuration().toMillis(), rule.ratio(), asOfMs,
                maxGapMs);
    }

    private boolean held(Window[] windows, When when, long forMs, double ratio, long asOfMs, long maxGapMs) {
        if (when instanceof Condition c) {
            Integer t = typeIndex.get(c.type());
            Window w = t == null ? null : windows[t];
            if (w == null) {
                return false;
            }
            if (c.isAggregate()) {
                double value = w.aggregate(c.aggregate(), forMs, asOfMs, maxGapMs);
                return !Double.isNaN(value) && c.test(value);
            }
            if (ratio == Rule.EVERY_SAMPLE) {
                return w.heldFor(c, forMs, asOfMs, maxGapMs);
            }
            return w.share(c, forMs, asOfMs, maxGapMs) >= ratio; // NaN (not covered) is never >=
        }
        if (when instanceof When.All all) {
            for (When part : all.parts()) {
                if (!held(windows, part, forMs, ratio, asOfMs, maxGapMs)) {
                    return false;
                }
            }
            return true;
        }
        for (When part : ((When.Any) when).parts()) {
            if (held(windows, part, forMs, ratio, asOfMs, maxGapMs)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the rule's {@code when} matches the newest samples at or before {@code asOfMs}, without asking how
     * long: a plain condition its type's newest sample, an aggregate the samples of its {@code for} window. A rule's
     * alert is resolved when this turns false.
     */
    public boolean matchesLatest(String instance, Rule rule, long asOfMs) {
        Window[] windows = byInstance.get(instance);
        return windows != null && matchesLatest(windows, rule.when(), rule.forDuration().toMillis(), asOfMs);
    }

    private boolean matchesLatest(Window[] windows, When when, long forMs, long asOfMs) {
        if (when instanceof Condition c) {
            Integer t = typeIndex.get(c.type());
            Window w = t == null ? null : windows[t];
            if (w == null) {
                return false;
            }
            if (c.isAggregate()) {
                double value = w.aggregate(c.aggregate(), forMs, asOfMs, Window.NO_MAX_GAP);
                return !Double.isNaN(value) && c.test(value);
            }
            return w.heldFor(c, 0, asOfMs);
        }
        if (when instanceof When.All all) {
            for (When part : all.parts()) {
                if (!matchesLatest(windows, part, forMs, asOfMs)) {
                    return false;
                }
            }
            return true;
        }
        for (When part : ((When.Any) when).parts()) {
            if (matchesLatest(windows, part, forMs, asOfMs)) {
                return true;
            }
        }
        return false;
    }

    /** The types with windows. */
    public Set<String> types() {
        return Collections.unmodifiableSet(typeIndex.keySet());
    }

    /** Retention of the windows of a type; null when the type is not watched. */
    public Duration retention(String type) {
        Integer t = typeIndex.get(type);
        return t == null ? null : Duration.ofMillis(retentionMs[t]);
    }

    /** Forgets an instance (deleted, or not reporting any more); returns whether it had windows. */
    public boolean remove(String instance) {
        return byInstance.remove(instance) != null;
    }

    /** Forgets the instances whose newest sample of every type is older than cutoffMs; returns how many. */
    public int forgetSilentSince(long cutoffMs) {
        int before = byInstance.size();
        byInstance.values().removeIf(windows -> {
            for (Window w : windows) {
                if (w != null && !w.isEmpty() && w.latestTimestamp() >= cutoffMs) {
                    return false;
                }
            }
            return true;
        });
        return before - byInstance.size();
    }

    /** Instances with at least one window. */
    public Set<String> instances() {
        return Collections.unmodifiableSet(byInstance.keySet());
    }

    public int instanceCount() {
        return byInstance.size();
    }
}

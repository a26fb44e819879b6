package io.scalemanager.manager.window;

import io.scalemanager.core.state.State;
import io.scalemanager.manager.rules.Ruleset;

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

    /** Instances with at least one window. */
    public Set<String> instances() {
        return Collections.unmodifiableSet(byInstance.keySet());
    }

    public int instanceCount() {
        return byInstance.size();
    }
}

package io.scalemanager.core.sizing;

import io.scalemanager.core.pattern.InstancePattern;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bounds per instance pattern, as written under {@code limits:} in the rules file. The first pattern (in file
 * order) that matches an instance and names a component gives that component's bounds; a component no entry
 * names stays within {@link Bounds#defaultFor(Component)}.
 */
public final class Limits {
    public static final Limits NONE = new Limits(List.of());

    /** Bounds of one pattern. */
    public record Entry(InstancePattern pattern, Map<Component, Bounds> bounds) {
        public Entry {
            bounds = Map.copyOf(bounds);
        }
    }

    private final List<Entry> entries;

    public Limits(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public List<Entry> entries() {
        return entries;
    }

    public Bounds boundsFor(String instance, Component component) {
        for (Entry entry : entries) {
            Bounds b = entry.bounds().get(component);
            if (b != null && entry.pattern().matches(instance)) {
                return b;
            }
        }
        return Bounds.defaultFor(component);
    }

    /** The text of the pattern whose bounds apply to the component of the instance; null when none does. */
    public String patternFor(String instance, Component component) {
        for (Entry entry : entries) {
            if (entry.bounds().containsKey(component) && entry.pattern().matches(instance)) {
                return entry.pattern().text();
            }
        }
        return null;
    }

    public Map<Component, Bounds> boundsFor(String instance) {
        Map<Component, Bounds> result = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            result.put(c, boundsFor(instance, c));
        }
        return result;
    }

    /** Entries keyed by pattern text, for display. */
    public Map<String, Map<Component, Bounds>> asMap() {
        Map<String, Map<Component, Bounds>> map = new LinkedHashMap<>();
        for (Entry e : entries) {
            map.put(e.pattern().text(), e.bounds());
        }
        return map;
    }
}

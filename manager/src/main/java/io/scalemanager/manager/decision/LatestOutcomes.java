package io.scalemanager.manager.decision;

import io.scalemanager.manager.decide.Outcome;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The latest outcome of every (instance, rule) this manager decided, with since when that kind of outcome has
 * lasted: what {@code GET /v1/instances/{id}/why} shows. In memory only; each manager holds the instances of its
 * partitions.
 */
public final class LatestOutcomes {

    /** The latest outcome and when its kind began. */
    public record Entry(Outcome outcome, long sinceMs) {
    }

    private static final class Slot {
        private Outcome outcome;
        private long sinceMs;

        synchronized Change update(Outcome o) {
            Change change = outcome == null ? Change.FIRST : outcome.kind() != o.kind() ? Change.KIND
                    : !Objects.equals(outcome.actionId(), o.actionId()) || !Objects.equals(outcome.untilMs(),
                    o.untilMs()) ? Change.DETAIL : Change.NONE;
            // A late event can be decided after a newer one; the newer outcome stays.
            if (outcome != null && o.atMs() < outcome.atMs()) {
                return change == Change.NONE ? Change.NONE : Change.DETAIL;
            }
            if (change == Change.KIND || change == Change.FIRST) {
                sinceMs = o.atMs();
            }
            outcome = o;
            return change;
        }

        synchronized Entry entry() {
            return outcome == null ? null : new Entry(outcome, sinceMs);
        }
    }

    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Slot>> byInstance = new ConcurrentHashMap<>();

    /** How an outcome differs from the latest one of its (instance, rule). */
    public enum Change {
        /** Same kind, same action and end. */
        NONE,
        /** Same kind, but another action or another end (of a block or pause). */
        DETAIL,
        /** Another kind. */
        KIND,
        /** The first outcome of the (instance, rule) this manager holds: since it started, or took the instance over. */
        FIRST
    }

    /** Records the outcome and says how it differs from the latest one. */
    public Change record(String instance, Outcome outcome) {
        ConcurrentHashMap<String, Slot> rules = byInstance.get(instance);
        if (rules == null) {
            rules = byInstance.computeIfAbsent(instance, k -> new ConcurrentHashMap<>());
        }
        Slot slot = rules.get(outcome.ruleName());
        if (slot == null) {
            slot = rules.computeIfAbsent(outcome.ruleName(), k -> new Slot());
        }
        return slot.update(outcome);
    }

    /** The latest outcome of each rule decided for the instance, by rule name; empty when none. */
    public Map<String, Entry> of(String instance) {
        ConcurrentHashMap<String, Slot> rules = byInstance.get(instance);
        if (rules == null) {
            return Map.of();
        }
        Map<String, Entry> result = new java.util.HashMap<>();
        rules.forEach((rule, slot) -> {
            Entry e = slot.entry();
            if (e != null) {
                result.put(rule, e);
            }
        });
        return result;
    }

    /** The most pressing latest outcome of the instance (see {@code OutcomeKind.pressure}), or null. */
    public Entry mostPressing(String instance) {
        Entry best = null;
        for (Entry e : of(instance).values()) {
            if (best == null || e.outcome().kind().pressure() < best.outcome().kind().pressure()) {
                best = e;
            }
        }
        return best;
    }

    /** Forgets the instances another manager now decides for. */
    public void forget(Predicate<String> instance) {
        byInstance.keySet().removeIf(instance);
    }
}

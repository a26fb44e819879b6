package io.scalemanager.manager.rules;

import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Limits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A parsed rules file: the rules in file order and the limits. Immutable and thread-safe; it answers the
 * evaluator's per-event question "which rules apply to this (instance, type)?" from a cache, because matching
 * every glob on every event is too slow.
 */
public final class Ruleset {
    public static final Ruleset EMPTY = new Ruleset(List.of(), Limits.NONE);

    /** Past this many cached instances the cache starts over; it refills at one glob pass per instance. */
    static final int MAX_CACHED_INSTANCES = 100_000;

    private final List<Rule> rules;
    private final Limits limits;
    private final List<Budget> budgets;
    private final List<Schedule> schedules;
    private final Map<String, Rule> byName;
    private final Map<String, Duration> longestFor;
    private final boolean everyRuleOnEveryInstance;
    private final Map<String, List<Rule>> allRulesByType;
    // instance -> rules by type. Instances matching the same rules share one map, so an entry costs a reference.
    private final ConcurrentHashMap<String, Map<String, List<Rule>>> byInstance = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<BitSet, Map<String, List<Rule>>> shared = new ConcurrentHashMap<>();

    public Ruleset(List<Rule> rules, Limits limits) {
        this(rules, limits, List.of(), List.of());
    }

    public Ruleset(List<Rule> rules, Limits limits, List<Budget> budgets, List<Schedule> schedules) {
        this.rules = List.copyOf(rules);
        this.limits = Objects.requireNonNull(limits, "limits");
        this.budgets = List.copyOf(budgets);
        this.schedules = List.copyOf(schedules);
        Map<String, Rule> names = new LinkedHashMap<>();
        Map<String, Duration> longest = new LinkedHashMap<>();
        boolean everywhere = true;
        for (Rule r : this.rules) {
            if (names.putIfAbsent(r.name(), r) != null) {
                throw new IllegalArgumentException("duplicate rule name '" + r.name() + "'");
            }
            for (String type : r.types()) {
                longest.merge(type, r.forDuration(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
            }
            everywhere &= InstancePattern.ANY.equals(r.instances());
        }
        this.byName = Collections.unmodifiableMap(names);
        this.longestFor = Collections.unmodifiableMap(longest);
        this.everyRuleOnEveryInstance = everywhere;
        BitSet all = new BitSet();
        all.set(0, this.rules.size());
        this.allRulesByType = rulesByType(all);
    }

    /** Rules in file order. */
    public List<Rule> rules() {
        return rules;
    }

    public Limits limits() {
        return limits;
    }

    /** The change budgets, in file order. */
    public List<Budget> budgets() {
        return budgets;
    }

    /** The budgets whose instance pattern matches the instance: an action on it needs room in each. */
    public List<Budget> budgetsFor(String instance) {
        if (budgets.isEmpty()) {
            return List.of();
        }
        List<Budget> matching = new ArrayList<>(budgets.size());
        for (Budget b : budgets) {
            if (b.instances().matches(instance)) {
                matching.add(b);
            }
        }
        return matching;
    }

    /** The scheduled sizes, in file order. */
    public List<Schedule> schedules() {
        return schedules;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    public Optional<Rule> rule(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The metric types some rule watches, in order of first appearance. Other types need no window. */
    public Set<String> types() {
        return longestFor.keySet();
    }

    /** The longest {@code for} among the rules of a type (zero when no rule watches it): the history to keep. */
    public Duration longestFor(String type) {
        return longestFor.getOrDefault(type, Duration.ZERO);
    }

    /** Longest {@code for} per watched type. */
    public Map<String, Duration> longestForByType() {
        return longestFor;
    }

    /**
     * The rules watching this type (a rule of several conditions watches each of their types) whose
     * {@code instances} glob matches the instance, in file order; an empty list when none. Thread-safe; after the
     * first call for an instance this is two hash lookups and allocates nothing.
     */
    public List<Rule> rulesFor(String instance, String type) {
        Map<String, List<Rule>> forInstance = everyRuleOnEveryInstance ? allRulesByType : byInstance.get(instance);
        if (forInstance == null) {
            forInstance = computeFor(instance);
        }
        List<Rule> result = forInstance.get(type);
        return result == null ? List.of() : result;
    }

    private Map<String, List<Rule>> computeFor(String instance) {
        BitSet matching = new BitSet(rules.size());
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).instances().matches(instance)) {
                matching.set(i);
            }
        }
        if (byInstance.size() >= MAX_CACHED_INSTANCES) {
            // Rare (a fleet beyond the bound, or churn of instance ids); starting over is cheaper than an LRU.
            byInstance.clear();
        }
        Map<String, List<Rule>> view = shared.computeIfAbsent(matching, this::rulesByType);
        byInstance.put(instance, view);
        return view;
    }

    private Map<String, List<Rule>> rulesByType(BitSet selected) {
        Map<String, List<Rule>> byType = new HashMap<>();
        for (int i = selected.nextSetBit(0); i >= 0; i = selected.nextSetBit(i + 1)) {
            Rule r = rules.get(i);
            for (String type : r.types()) {
                byType.computeIfAbsent(type, t -> new ArrayList<>()).add(r);
            }
        }
        byType.replaceAll((t, list) -> List.copyOf(list));
        return Map.copyOf(byType);
    }

    /** Number of instances in the match cache, for tests and metrics. */
    int cachedInstances() {
        return byInstance.size();
    }

    @Override
    public String toString() {
        return "Ruleset[" + rules.size() + " rules, " + limits.entries().size() + " limits]";
    }
}

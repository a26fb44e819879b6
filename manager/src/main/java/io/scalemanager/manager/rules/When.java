package io.scalemanager.manager.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A rule's {@code when}: one {@link Condition}, or all or any of several ({@code {all: [cpu > 80, load > 4]}}),
 * each with its own type. A rule's {@code for}, {@code ratio} and {@code max_gap} apply to each condition.
 */
public sealed interface When permits Condition, When.All, When.Any {

    /** The comparisons in it, in the order written. */
    List<Condition> conditions();

    /** The metric types it looks at, in the order written. */
    Set<String> types();

    /** Text as written in a rule. */
    String describe();

    /** {@code {all: [...]}}: holds when every part holds. */
    record All(List<When> parts) implements When {
        public All {
            parts = checked(parts);
        }

        @Override
        public List<Condition> conditions() {
            return flatten(parts);
        }

        @Override
        public Set<String> types() {
            return typesOf(parts);
        }

        @Override
        public String describe() {
            return "all of [" + join(parts) + "]";
        }
    }

    /** {@code {any: [...]}}: holds when at least one part holds. */
    record Any(List<When> parts) implements When {
        public Any {
            parts = checked(parts);
        }

        @Override
        public List<Condition> conditions() {
            return flatten(parts);
        }

        @Override
        public Set<String> types() {
            return typesOf(parts);
        }

        @Override
        public String describe() {
            return "any of [" + join(parts) + "]";
        }
    }

    private static List<When> checked(List<When> parts) {
        Objects.requireNonNull(parts, "parts");
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a composite condition needs at least one part");
        }
        return List.copyOf(parts);
    }

    private static List<Condition> flatten(List<When> parts) {
        List<Condition> all = new ArrayList<>();
        for (When p : parts) {
            all.addAll(p.conditions());
        }
        return List.copyOf(all);
    }

    private static Set<String> typesOf(List<When> parts) {
        Set<String> types = new LinkedHashSet<>();
        for (When p : parts) {
            types.addAll(p.types());
        }
        return Collections.unmodifiableSet(types);
    }

    private static String join(List<When> parts) {
        StringBuilder sb = new StringBuilder();
        for (When p : parts) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(p.describe());
        }
        return sb.toString();
    }
}

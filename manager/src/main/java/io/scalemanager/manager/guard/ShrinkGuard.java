package io.scalemanager.manager.guard;

import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.time.DurationText;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.command.ShrinkCheck;
import io.scalemanager.manager.rules.Condition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Refuses a shrink the instance's history says it would not fit in: the p99 of its usage over {@code guard_window}
 * (default 24h, from the history, not only the rule's window) projected onto the new size must stay at or below
 * {@code guard_max} (default 85%). Projections: {@code ram_used_mb / new ram} (else {@code ram% × old / new}),
 * {@code cpu% × cpus / new cpus}, {@code storage_used_gb / new storage} (else {@code storage% × old / new}).
 * An instance without history of the type is not held back: there is nothing to project from, which the log says.
 *
 * <p>It runs on the command executor's threads, only for shrinks, so reading a day of samples never holds up the
 * rule evaluation of a partition.
 */
public final class ShrinkGuard implements ShrinkCheck {
    private static final Logger log = LoggerFactory.getLogger(ShrinkGuard.class);

    private final UsageHistory history;
    private final Duration window;
    private final double maxPercent;
    private final Predicate<String> guardedRule;
    private final Clock clock;

    /**
     * @param window      how far back the p99 reaches ({@code manager.guard_window})
     * @param maxPercent  the highest projected utilization a shrink may come to ({@code manager.guard_max})
     * @param guardedRule per rule name, false for a rule that says {@code guard: false}
     */
    public ShrinkGuard(UsageHistory history, Duration window, double maxPercent, Predicate<String> guardedRule,
                       Clock clock) {
        if (window.isNegative() || window.isZero() || !(maxPercent > 0 && maxPercent <= 100)) {
            throw new IllegalArgumentException("guard window must be above zero and guard max within (0, 100]");
        }
        this.history = history;
        this.window = window;
        this.maxPercent = maxPercent;
        this.guardedRule = guardedRule;
        this.clock = clock;
    }

    @Override
    public Optional<String> refusal(Action a, long from, long to) {
        // A rollback restores a size the instance had: it is what the rule asked for, not a shrink to guard.
        if (to >= from || to <= 0 || a.rollbackOf() != null || !guardedRule.test(a.rule())) {
            return Optional.empty();
        }
        Component component = a.change().component();
        Optional<Double> projected = projected(a.instance(), component, from, to);
        if (projected.isEmpty()) {
            log.info("{}: no {} history of the last {}; the shrink {} {} → {} goes ahead unguarded", a.instance(),
                    component.wireName(), DurationText.format(window), component.wireName(), from, to);
            return Optional.empty();
        }
        if (projected.get() <= maxPercent) {
            return Optional.empty();
        }
        return Optional.of(component.wireName() + " " + from + " → " + to + " would run at "
                + Math.round(projected.get()) + "% (p99 of " + DurationText.format(window) + ", guard_max "
                + Condition.number(maxPercent) + "%)");
    }

    /** The p99 utilization in percent at the new size, or empty without history. */
    Optional<Double> projected(String instance, Component component, long from, long to) {
        long now = clock.millis();
        long since = now - window.toMillis();
        String absolute = switch (component) {
            case RAM -> "ram_used_mb";
            case STORAGE -> "storage_used_gb";
            case CPU -> null;
        };
        if (absolute != null) {
            Optional<Double> used = p99(history.values(instance, absolute, since, now));
            if (used.isPresent()) {
                return Optional.of(used.get() / to * 100);
            }
        }
        // Percent of the current size (cpu always; ram and storage from agents that report no absolute use).
        return p99(history.values(instance, component.wireName(), since, now)).map(p -> p * from / to);
    }

    /** Nearest-rank p99, as the rules' p99(TYPE) computes it. */
    static Optional<Double> p99(double[] values) {
        if (values.length == 0) {
            return Optional.empty();
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(0.99 * sorted.length);
        return Optional.of(sorted[Math.max(0, rank - 1)]);
    }
}

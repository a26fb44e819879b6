package io.scalemanager.manager.backtest;

import io.scalemanager.core.sizing.Component;

/**
 * A resize the backtest's rules (or schedules) would have made: when (the decision's time), where, by which rule,
 * from, to; {@code dryRun} when the rule runs dry (its own {@code dry_run}, or manager.dry_run), so it would only
 * have been recorded as {@code would_fire}, and the simulated size did not change.
 */
public record SimulatedAction(long timeMs, String instance, String rule, Component component, long from, long to,
                              boolean dryRun) {

    public boolean grew() {
        return to > from;
    }
}

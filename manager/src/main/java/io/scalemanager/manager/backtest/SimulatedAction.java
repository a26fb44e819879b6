package io.scalemanager.manager.backtest;

import io.scalemanager.core.sizing.Component;

/** A resize the backtest's rules would have made: when (the decision's time), where, by which rule, from, to. */
public record SimulatedAction(long timeMs, String instance, String rule, Component component, long from, long to) {

    public boolean grew() {
        return to > from;
    }
}

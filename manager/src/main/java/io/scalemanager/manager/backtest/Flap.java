package io.scalemanager.manager.backtest;

/**
 * A change undone within {@link Backtest#FLAP_WINDOW}: {@code undo} turned {@code change}'s component back the
 * other way.
 */
public record Flap(SimulatedAction change, SimulatedAction undo) {
}

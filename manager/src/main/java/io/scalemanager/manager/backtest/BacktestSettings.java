package io.scalemanager.manager.backtest;

import io.scalemanager.core.sizing.Size;

import java.time.Duration;

/**
 * The manager settings a backtest decides with, as the live manager does.
 *
 * @param maxEventAge   manager.max_event_age: older events fill windows but decide nothing
 * @param maxGap        manager.max_gap: the default gap that breaks a run
 * @param verifyTimeout manager.verify_timeout: the longest a simulated action of a rule without its own
 *                      {@code verify_timeout} waits for its new size to show
 * @param defaultSize   the size of an instance nothing else tells (the simulator's default)
 * @param dryRun        manager.dry_run: every rule runs dry, recording what it would do
 */
public record BacktestSettings(Duration maxEventAge, Duration maxGap, Duration verifyTimeout, Size defaultSize,
                               boolean dryRun) {
}

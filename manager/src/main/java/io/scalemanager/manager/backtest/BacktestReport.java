package io.scalemanager.manager.backtest;

import java.util.List;

/**
 * The result of a backtest: how many events it replayed in the range, what each rule did, every would-be
 * action in time order and every flap.
 */
public record BacktestReport(long fromMs, long toMs, long events, List<RuleSummary> rules,
                             List<SimulatedAction> actions, List<Flap> flaps) {
}

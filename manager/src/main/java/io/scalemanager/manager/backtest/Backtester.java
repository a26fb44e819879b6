package io.scalemanager.manager.backtest;

import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.pause.Pauses;
import io.scalemanager.manager.rules.Ruleset;

/**
 * Backtests against one database: its EventLog (and archive) for the events, its ActionLog for where sizes and
 * locks stood when the range begins, its pauses for those in force during the range. The command line and
 * {@code POST /v1/rules/backtest} both run through here.
 */
public final class Backtester {
    private final RecordedEvents events;
    private final ActionLog actionLog;
    private final Pauses pauses;
    private final BacktestSettings settings;

    public Backtester(RecordedEvents events, ActionLog actionLog, Pauses pauses, BacktestSettings settings) {
        this.events = events;
        this.actionLog = actionLog;
        this.pauses = pauses;
        this.settings = settings;
    }

    /**
     * Replays the events that arrived in [fromMs, toMs) of the matching instances through the ruleset.
     *
     * @param maxEvents the most events of the range replayed; {@link Backtest.TooManyEvents} beyond
     */
    public BacktestReport run(Ruleset ruleset, long fromMs, long toMs, InstancePattern instances, long maxEvents) {
        if (toMs <= fromMs) {
            throw new IllegalArgumentException("the range must end after it begins");
        }
        return new Backtest(ruleset, settings).run(events, actionLog.latestPerComponentBefore(fromMs),
                pauses.during(fromMs, toMs), fromMs, toMs, instances, maxEvents);
    }
}

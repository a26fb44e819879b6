package io.scalemanager.manager.backtest;

import io.scalemanager.core.state.Event;

import java.util.function.Consumer;

/**
 * The recorded events a backtest replays: the EventLog, and its archive where the range reaches into it. The
 * history module owns those tables, so the wiring hands its reader over through this seam.
 */
public interface RecordedEvents {

    /**
     * Every event with {@code fromSeq <= seq < toSeq}, in sequence order (the order each instance's events reached
     * the manager), streamed: the caller never holds more than one page of them.
     */
    void replay(long fromSeq, long toSeq, Consumer<Event> consumer);
}

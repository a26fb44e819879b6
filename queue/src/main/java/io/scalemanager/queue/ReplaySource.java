package io.scalemanager.queue;

import io.scalemanager.core.state.Event;

import java.util.function.Consumer;

/** Where the embedded queue finds events again after a restart: the EventLog. */
public interface ReplaySource {

    long lastSeq();

    /** Every event with {@code afterSeq < seq <= upToSeq}, in sequence order. */
    void scan(long afterSeq, long upToSeq, Consumer<Event> consumer);
}

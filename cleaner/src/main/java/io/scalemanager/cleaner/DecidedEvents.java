package io.scalemanager.cleaner;

import java.util.OptionalLong;

/**
 * How far the manager has decided the EventLog: the queue's lowest saved position over all its partitions. The
 * cleaner never archives an event above it, because the queue replays from the EventLog after a restart. The
 * queue module implements it (the embedded queue's positions); the wiring hands it to the cleaner.
 */
@FunctionalInterface
public interface DecidedEvents {

    /**
     * The highest sequence number such that every event up to it is decided, or empty when the queue keeps no
     * positions in the database (Kafka keeps its own, and replays from its topic, not from the EventLog).
     */
    OptionalLong decidedUpTo();

    /** For a deployment whose queue replays nothing from the EventLog. */
    DecidedEvents NOTHING_PENDING = OptionalLong::empty;
}

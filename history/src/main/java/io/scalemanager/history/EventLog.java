package io.scalemanager.history;

import io.scalemanager.core.condition.ConditionStats;
import io.scalemanager.core.condition.Operator;
import io.scalemanager.core.state.Event;

import java.util.List;
import java.util.function.Consumer;

/**
 * The durable record of every accepted state. Appends are transactional; reads answer the History API,
 * warm the manager's windows and replay the embedded queue after a restart.
 */
public interface EventLog {

    /** Stores the events in one transaction: all of them or none. Throws on failure. */
    void append(List<Event> events);

    /** The highest sequence number stored, or 0 when the log is empty. */
    long lastSeq();

    /** Samples of one (instance, type) with timestamps in [fromMs, toMs], oldest first, at most limit. */
    List<Sample> samples(String instance, String type, long fromMs, long toMs, int limit);

    /** Statistics of the samples in [fromMs, toMs] against a condition: the original EventLog query. */
    ConditionStats query(String instance, String type, Operator op, double threshold, long fromMs, long toMs);

    /** Every event with {@code afterSeq < seq <= upToSeq}, in sequence order. */
    void scan(long afterSeq, long upToSeq, Consumer<Event> consumer);

    /** True when the instance has reported at least once. */
    boolean hasReported(String instance);
}

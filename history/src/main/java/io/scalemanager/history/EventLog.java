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

    /**
     * The samples of one (instance, type) with timestamps in [fromMs, toMs], reduced per step of {@code stepMs}
     * from {@code fromMs} (count, average, minimum, maximum), oldest first; a step without samples is left out. A
     * chart of a day of 10 s samples gets a thousand steps, and no sample is kept in memory on the way.
     */
    List<SampleStep> steps(String instance, String type, long fromMs, long toMs, long stepMs);

    /**
     * Statistics of the samples in [fromMs, toMs] against a condition: the original EventLog query. Reads at most
     * {@code maxRows + 1} samples, so a count above {@code maxRows} says the range holds more than that.
     */
    ConditionStats query(String instance, String type, Operator op, double threshold, long fromMs, long toMs,
                         int maxRows);

    /** Every event with {@code afterSeq < seq <= upToSeq}, in sequence order. */
    void scan(long afterSeq, long upToSeq, Consumer<Event> consumer);

    /** True when the instance has reported at least once. */
    boolean hasReported(String instance);
}

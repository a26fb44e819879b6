package io.scalemanager.manager.window;

import io.scalemanager.core.condition.ConditionStats;
import io.scalemanager.manager.rules.Condition;

import java.time.Duration;

/**
 * The recent samples of one (instance, type), sorted by timestamp, answering "has this condition held for D?".
 * A growable ring buffer of primitive arrays: appending is the common case, out-of-order samples are inserted in
 * place, and a sample identical to one already present (same timestamp and value) is ignored so that replaying
 * events is harmless. Not thread-safe: one partition thread owns it.
 *
 * <p>Retention: samples older than {@code latest - retention} are dropped, except the newest of them, which
 * stays so that "the run of matching samples started at or before now - D" can still be decided for any
 * {@code D <= retention} even when samples are sparse.
 */
public final class Window {
    private static final int INITIAL_CAPACITY = 8;
    private static final int SHRINK_ABOVE = 64;

    private final long retentionMs;
    private long[] timestamps;
    private double[] values;
    private int head;
    private int size;
    private int mask;

    public Window(Duration retention) {
        this(retention.toMillis());
    }

    public Window(long retentionMs) {
        if (retentionMs < 0) {
            throw new IllegalArgumentException("retention must not be negative: " + retentionMs);
        }
        this.retentionMs = retentionMs;
        allocate(INITIAL_CAPACITY);
    }

    public long retentionMs() {
        return retentionMs;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Timestamp (epoch ms) of the newest sample; {@link Long#MIN_VALUE} when empty. */
    public long latestTimestamp() {
        return size == 0 ? Long.MIN_VALUE : timestamps[slot(size - 1)];
    }

    /** Value of the newest sample (the last added among equal timestamps); NaN when empty. */
    public double latestValue() {
        return size == 0 ? Double.NaN : values[slot(size - 1)];
    }

    /** Timestamp of the i-th oldest sample kept. */
    public long timestampAt(int i) {
        checkIndex(i);
        return timestamps[slot(i)];
    }

    /** Value of the i-th oldest sample kept. */
    public double valueAt(int i) {
        checkIndex(i);
        return values[slot(i)];
    }

    /**
     * Adds a sample in timestamp order, then drops what the retention no longer needs.
     *
     * @return false when an identical sample was already present or the sample is too old to keep
     */
    public boolean add(long timestampMs, double value) {
        int pos;
        if (size == 0 || timestampMs > timestamps[slot(size - 1)]) {
            pos = size;
        } else {
            if (timestampMs < timestamps[head] && timestamps[head] <= latestTimestamp() - retentionMs) {
                return false; // older than the oldest sample kept, which retention already does not need
            }
            pos = upperBound(timestampMs);
            for (int i = pos - 1; i >= 0 && timestamps[slot(i)] == timestampMs; i--) {
                if (values[slot(i)] == value) {
                    return false;
                }
            }
        }
        if (size == timestamps.length) {
            resize(timestamps.length * 2);
        }
        for (int i = size; i > pos; i--) {
            int to = slot(i);
            int from = slot(i - 1);
            timestamps[to] = timestamps[from];
            values[to] = values[from];
        }
        timestamps[slot(pos)] = timestampMs;
        values[slot(pos)] = value;
        size++;
        int dropped = trim();
        return pos >= dropped;
    }

    /**
     * Whether the condition has held for {@code d} as of {@code asOfMs}, considering samples at or before it:
     * there is at least one sample in {@code [asOfMs - d, asOfMs]}, the newest sample at or before
     * {@code asOfMs - d} matches, and so does every later one up to {@code asOfMs}; in other words the current run
     * of matching samples started at or before {@code asOfMs - d} and is still being reported. With
     * {@code d = 0}: the newest sample at or before {@code asOfMs} matches. Samples sharing a timestamp must all
     * match. Gaps inside the run do not break it.
     */
    public boolean heldFor(Condition c, Duration d, long asOfMs) {
        return heldFor(c, d.toMillis(), asOfMs);
    }

    /** {@link #heldFor(Condition, Duration, long)} with {@code d} in milliseconds. */
    public boolean heldFor(Condition c, long forMs, long asOfMs) {
        long start = asOfMs - forMs;
        int i = upperBound(asOfMs) - 1;
        if (i < 0 || (forMs > 0 && timestamps[slot(i)] < start)) {
            return false; // nothing reported within the last d: stale data proves nothing
        }
        for (; i >= 0; i--) {
            int s = slot(i);
            if (!c.test(values[s])) {
                return false;
            }
            long ts = timestamps[s];
            if (ts <= start) {
                // The run reaches back far enough; other samples sharing this timestamp must match too.
                for (int j = i - 1; j >= 0 && timestamps[slot(j)] == ts; j--) {
                    if (!c.test(values[slot(j)])) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    /** The condition over the samples with {@code fromMs <= timestamp <= toMs}; see {@link ConditionStats}. */
    public ConditionStats query(Condition c, long fromMs, long toMs) {
        ConditionStats.Builder stats = new ConditionStats.Builder(c.op(), c.threshold());
        for (int i = lowerBound(fromMs); i < size; i++) {
            int s = slot(i);
            if (timestamps[s] > toMs) {
                break;
            }
            stats.add(values[s]);
        }
        return stats.build();
    }

    /** Drops samples older than the newest one at or before {@code latest - retention}; returns how many. */
    private int trim() {
        long cutoff = timestamps[slot(size - 1)] - retentionMs;
        int atOrBefore = 0;
        while (atOrBefore < size && timestamps[slot(atOrBefore)] <= cutoff) {
            atOrBefore++;
        }
        if (atOrBefore == 0) {
            return 0;
        }
        long keepFrom = timestamps[slot(atOrBefore - 1)];
        int drop = 0;
        while (timestamps[slot(drop)] < keepFrom) {
            drop++;
        }
        head = (head + drop) & mask;
        size -= drop;
        if (timestamps.length > SHRINK_ABOVE && size < timestamps.length / 4) {
            resize(timestamps.length / 2);
        }
        return drop;
    }

    /** First logical index whose timestamp is >= ts. */
    private int lowerBound(long ts) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (timestamps[slot(mid)] < ts) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** First logical index whose timestamp is > ts. */
    private int upperBound(long ts) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (timestamps[slot(mid)] <= ts) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int slot(int logical) {
        return (head + logical) & mask;
    }

    private void allocate(int capacity) {
        timestamps = new long[capacity];
        values = new double[capacity];
        mask = capacity - 1;
        head = 0;
    }

    private void resize(int capacity) {
        long[] oldTs = timestamps;
        double[] oldValues = values;
        int oldHead = head;
        int oldMask = mask;
        allocate(capacity);
        for (int i = 0; i < size; i++) {
            int from = (oldHead + i) & oldMask;
            timestamps[i] = oldTs[from];
            values[i] = oldValues[from];
        }
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("index " + i + " of " + size + " samples");
        }
    }

    @Override
    public String toString() {
        return "Window[" + size + " samples, retention " + retentionMs + "ms]";
    }
}

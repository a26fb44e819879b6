package io.scalemanager.manager.window;

import io.scalemanager.core.condition.ConditionStats;
import io.scalemanager.manager.rules.Aggregate;
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
    /** Percentiles are selected in a copy; windows belong to one partition thread, the copy to the thread. */
    private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[64]);

    /** No limit on the gap between consecutive samples of a run. */
    public static final long NO_MAX_GAP = Long.MAX_VALUE;

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
     * match. Gaps inside the run do not break it; see {@link #heldFor(Condition, long, long, long)} for a run
     * that gaps do break.
     */
    public boolean heldFor(Condition c, Duration d, long asOfMs) {
        return heldFor(c, d.toMillis(), asOfMs, NO_MAX_GAP);
    }

    /** {@link #heldFor(Condition, Duration, long)} with {@code d} in milliseconds. */
    public boolean heldFor(Condition c, long forMs, long asOfMs) {
        return heldFor(c, forMs, asOfMs, NO_MAX_GAP);
    }

    /**
     * {@link #heldFor(Condition, long, long)}, where in addition no two consecutive samples of the run (from the
     * newest at or before {@code asOfMs - forMs} to the newest at or before {@code asOfMs}) lie more than
     * {@code maxGapMs} apart, and neither do the newest sample and {@code asOfMs}: a silence breaks a run, so a
     * sample from long ago cannot stand for the whole {@code for}.
     */
    public boolean heldFor(Condition c, long forMs, long asOfMs, long maxGapMs) {
        long start = asOfMs - forMs;
        int i = upperBound(asOfMs) - 1;
        if (i < 0) {
            return false;
        }
        long later = timestamps[slot(i)];
        if ((forMs > 0 && later < start) || asOfMs - later > maxGapMs) {
            return false; // nothing reported within the last d (or max gap): stale data proves nothing
        }
        for (; i >= 0; i--) {
            int s = slot(i);
            if (!c.test(values[s])) {
                return false;
            }
            long ts = timestamps[s];
            if (later - ts > maxGapMs) {
                return false;
            }
            later = ts;
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

    /**
     * The share (0 to 1) of the samples in {@code [asOfMs - forMs, asOfMs]} that match the condition (its
     * aggregate, if any, is not used), or NaN when the samples do not cover the window; see
     * {@link #aggregate(Aggregate, long, long, long)} for what covering means.
     */
    public double share(Condition c, long forMs, long asOfMs, long maxGapMs) {
        int from = windowStart(forMs, asOfMs, maxGapMs);
        if (from < 0) {
            return Double.NaN;
        }
        int to = upperBound(asOfMs);
        int matched = 0;
        for (int i = from; i < to; i++) {
            if (c.test(values[slot(i)])) {
                matched++;
            }
        }
        return matched / (double) (to - from);
    }

    /**
     * The aggregate of the samples in {@code [asOfMs - forMs, asOfMs]} (with {@code forMs = 0}: of the samples at
     * the newest timestamp at or before {@code asOfMs}), or NaN when the samples do not cover that window. They
     * cover it when at least one sample lies in it, a sample lies at or before its start (the samples reach back,
     * as for {@link #heldFor(Condition, long, long)}), and no two consecutive samples from that one on, nor the
     * newest sample and {@code asOfMs}, lie more than {@code maxGapMs} apart.
     */
    public double aggregate(Aggregate aggregate, long forMs, long asOfMs, long maxGapMs) {
        int from = windowStart(forMs, asOfMs, maxGapMs);
        if (from < 0) {
            return Double.NaN;
        }
        int to = upperBound(asOfMs);
        int n = to - from;
        switch (aggregate) {
            case AVG -> {
                double sum = 0;
                for (int i = from; i < to; i++) {
                    sum += values[slot(i)];
                }
                return sum / n;
            }
            case MIN -> {
                double min = Double.POSITIVE_INFINITY;
                for (int i = from; i < to; i++) {
                    min = Math.min(min, values[slot(i)]);
                }
                return min;
            }
            case MAX -> {
                double max = Double.NEGATIVE_INFINITY;
                for (int i = from; i < to; i++) {
                    max = Math.max(max, values[slot(i)]);
                }
                return max;
            }
            default -> {
                double[] scratch = SCRATCH.get();
                if (scratch.length < n) {
                    scratch = new double[Math.max(n, scratch.length * 2)];
                    SCRATCH.set(scratch);
                }
                for (int i = 0; i < n; i++) {
                    scratch[i] = values[slot(from + i)];
                }
                int rank = (aggregate.percentile() * n + 99) / 100; // nearest rank: ceil(p/100 * n), 1-based
                return Selection.kth(scratch, n, Math.max(rank, 1) - 1);
            }
        }
    }

    /**
     * Logical index of the first sample of the window {@code [asOfMs - forMs, asOfMs]} (for {@code forMs = 0}, of
     * the first sample at the newest timestamp at or before {@code asOfMs}), or -1 when the samples do not cover
     * the window.
     */
    private int windowStart(long forMs, long asOfMs, long maxGapMs) {
        int last = upperBound(asOfMs) - 1;
        if (last < 0) {
            return -1;
        }
        long latest = timestamps[slot(last)];
        long start = asOfMs - forMs;
        if ((forMs > 0 && latest < start) || asOfMs - latest > maxGapMs) {
            return -1;
        }
        if (forMs == 0) {
            return lowerBound(latest);
        }
        long later = latest;
        for (int i = last; i >= 0; i--) {
            long ts = timestamps[slot(i)];
            if (later - ts > maxGapMs) {
                return -1;
            }
            if (ts <= start) {
                return ts == start ? lowerBound(start) : i + 1;
            }
            later = ts;
        }
        return -1; // the samples do not reach back
    }

    /**
     * Timestamp of the oldest sample of the run of matching samples that ends with the newest sample at or before
     * {@code asOfMs}: since when the condition has held, as far as the window reaches back. {@link Long#MAX_VALUE}
     * when that newest sample does not match (or there is none). A reason, not a decision: gaps are not looked at.
     */
    public long runStartMs(Condition c, long asOfMs) {
        long start = Long.MAX_VALUE;
        for (int i = upperBound(asOfMs) - 1; i >= 0; i--) {
            int s = slot(i);
            if (!c.test(values[s])) {
                break;
            }
            start = timestamps[s];
        }
        return start;
    }

    /** A copy keeping {@code newRetentionMs} of history: the same samples, trimmed when it is shorter. */
    public Window withRetention(long newRetentionMs) {
        Window copy = new Window(newRetentionMs);
        for (int i = 0; i < size; i++) {
            int s = slot(i);
            copy.add(timestamps[s], values[s]);
        }
        return copy;
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

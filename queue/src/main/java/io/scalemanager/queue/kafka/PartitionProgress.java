package io.scalemanager.queue.kafka;

/**
 * What the consumer knows about one partition it holds: the offset to commit, whether it waits to retry, and
 * the arrival times that approximate its lag. Written by the poll thread; the volatile fields are also read by
 * whoever asks for the lag.
 */
final class PartitionProgress {
    private static final long UNKNOWN = -1;

    final int partition;
    /** False until the PartitionListener has built this partition's state; no event is handled before. */
    boolean ready;
    /** When a paused partition (failed handling or failed assignment) is tried again, System.nanoTime(); 0 if not paused. */
    long retryAtNanos;
    /** Offset after the last handled record; UNKNOWN before the first. */
    long nextOffset = UNKNOWN;
    long committedOffset = UNKNOWN;

    /** Arrival of the event being handled or waiting to be retried. */
    private volatile long unhandledArrivalMs = UNKNOWN;
    private volatile long lastHandledArrivalMs = UNKNOWN;
    /** Last time the partition was seen with nothing waiting: whatever waits now arrived later. */
    private volatile long caughtUpAtMs;
    private volatile boolean waiting;

    PartitionProgress(int partition, long nowMs) {
        this.partition = partition;
        this.caughtUpAtMs = nowMs;
    }

    void handling(long arrivedAtMs) {
        waiting = true;
        unhandledArrivalMs = arrivedAtMs;
    }

    void handled(long offset, long arrivedAtMs) {
        nextOffset = offset + 1;
        lastHandledArrivalMs = Math.max(lastHandledArrivalMs, arrivedAtMs);
        unhandledArrivalMs = UNKNOWN;
    }

    void skipped(long offset) {
        nextOffset = offset + 1;
    }

    boolean uncommitted() {
        return nextOffset > committedOffset;
    }

    /** After a poll: whether records wait beyond those handled (Kafka's view of the lag, or a pending retry). */
    void backlog(boolean recordsWaiting, long nowMs) {
        waiting = recordsWaiting || retryAtNanos != 0;
        if (!waiting) {
            caughtUpAtMs = nowMs;
            unhandledArrivalMs = UNKNOWN;
        }
    }

    /**
     * Age of the oldest event not yet handled: exact while one is in hand or waits for a retry; otherwise bounded
     * by the later of the last handled arrival and the last moment nothing was waiting.
     */
    long lagMillis(long nowMs) {
        if (!waiting) {
            return 0;
        }
        long since = unhandledArrivalMs != UNKNOWN ? unhandledArrivalMs : Math.max(lastHandledArrivalMs, caughtUpAtMs);
        return Math.max(0, nowMs - since);
    }
}

package io.scalemanager.queue;

import java.util.Collection;

/**
 * Told which partitions a consumer of a distributed queue holds, so it can keep per-partition state (the
 * manager's rule windows) for exactly those. Both calls happen on the delivering thread.
 */
public interface PartitionListener {

    /** Before the first event of these partitions is delivered: build their state (from the history). */
    void assigned(Collection<Integer> partitions);

    /** After the last event of these partitions was handled by this consumer: drop their state. */
    void revoked(Collection<Integer> partitions);
}

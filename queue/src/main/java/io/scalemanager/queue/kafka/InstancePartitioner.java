package io.scalemanager.queue.kafka;

import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;

/**
 * The partition of an instance: murmur2 of its UTF-8 id, as Kafka's default partitioner computes it for a keyed
 * record, so a producer outside ScaleManager that keys by instance id lands on the same partition. The manager
 * uses it too, to know which instances' windows to rebuild for the partitions it is assigned.
 */
public record InstancePartitioner(int partitionCount) {

    public InstancePartitioner {
        if (partitionCount < 1) {
            throw new IllegalArgumentException("partitionCount must be at least 1, got " + partitionCount);
        }
    }

    public int partitionOf(String instance) {
        return Utils.toPositive(Utils.murmur2(instance.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }
}

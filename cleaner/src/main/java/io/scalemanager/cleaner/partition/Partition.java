package io.scalemanager.cleaner.partition;

import io.scalemanager.core.state.EventSequence;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One range partition of a table partitioned by {@code seq}: it holds the rows below {@code bound} (and at or
 * above the previous partition's bound). The catch-all last partition has {@code bound == Long.MAX_VALUE}.
 */
public record Partition(String name, long bound) {
    /** The catch-all partition's name, the same in every partitioned table. */
    public static final String CATCH_ALL = "p_future";
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'p'yyyyMMddHHmm")
            .withZone(ZoneOffset.UTC);

    /** The partition for events that arrived before {@code boundMs}: named for that time, so names never repeat. */
    public static Partition before(long boundMs) {
        return new Partition(NAME.format(Instant.ofEpochMilli(boundMs)), EventSequence.firstAt(boundMs));
    }

    public boolean catchAll() {
        return bound == Long.MAX_VALUE;
    }

    /** The partition clause of a CREATE or ALTER TABLE. */
    String clause() {
        return "PARTITION " + name + " VALUES LESS THAN (" + (catchAll() ? "MAXVALUE" : Long.toString(bound)) + ")";
    }
}

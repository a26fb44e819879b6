package io.scalemanager.dashboard.fleet;

import io.scalemanager.core.pattern.InstancePattern;

import java.util.Optional;

/**
 * One page of the fleet as asked for: instances matching a glob and, optionally, in one status, sorted by a key,
 * page {@code page} (from 0) of {@code size} rows.
 *
 * @param sort {@code instance}, {@code last_seen}, {@code status}, or {@code value:TYPE} (the latest value of a type)
 */
public record FleetQuery(InstancePattern instances, Optional<InstanceStatus> status, String sort, boolean descending,
                         int page, int size) {
}

package io.scalemanager.core.state;

/**
 * One measurement reported by an agent: the value of a metric type on an instance at a moment.
 *
 * @param instance    instance id, already validated
 * @param type        metric type such as {@code ram} or {@code load}
 * @param value       finite value
 * @param timestampMs epoch milliseconds (the wire format is epoch seconds, possibly fractional)
 */
public record State(String instance, String type, double value, long timestampMs) {
}

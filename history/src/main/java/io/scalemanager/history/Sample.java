package io.scalemanager.history;

/** One value of an (instance, type) at a moment, epoch milliseconds. */
public record Sample(long timestampMs, double value) {
}

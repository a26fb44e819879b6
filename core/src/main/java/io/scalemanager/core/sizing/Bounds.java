package io.scalemanager.core.sizing;

/** Inclusive bounds for one component of an instance. */
public record Bounds(long min, long max) {
    public static final Bounds UNBOUNDED = new Bounds(1, Long.MAX_VALUE);

    public Bounds {
        if (min > max) {
            throw new IllegalArgumentException("lower bound " + min + " is above upper bound " + max);
        }
    }

    public boolean contains(long value) {
        return value >= min && value <= max;
    }

    public long clamp(long value) {
        return Math.max(min, Math.min(max, value));
    }
}

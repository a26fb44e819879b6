package io.scalemanager.core.sizing;

/** Inclusive bounds for one component of an instance. */
public record Bounds(long min, long max) {
    public static final Bounds UNBOUNDED = new Bounds(1, Long.MAX_VALUE);

    /**
     * What a component stays within when no {@code limits} entry bounds it: wide enough for any real VM, narrow
     * enough that a typo or a runaway rule cannot ask a hoster for a billion cores (CONTRACT.md, "Access").
     */
    public static Bounds defaultFor(Component component) {
        return switch (component) {
            case CPU -> new Bounds(1, 64);
            case RAM -> new Bounds(256, 1_048_576);      // 256 MiB to 1 TiB
            case STORAGE -> new Bounds(1, 65_536);       // 1 GiB to 64 TiB
        };
    }

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

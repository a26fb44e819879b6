package io.scalemanager.core.sizing;

/**
 * A requested change of one component: {@code ram +1024}, {@code cpu -1}, {@code storage 10%}, {@code cpu =4}.
 * {@link #target} is pure, so the arithmetic is tested by table and shared by the manager and the instance API.
 */
public record Change(Component component, ChangeMode mode, double value) {

    /** The new size of the component, before any limit is applied. Never below zero. */
    public long target(Size current) {
        long now = current.get(component);
        double next = switch (mode) {
            case ABS -> value;
            case REL -> now + value;
            case PERCENT -> now + now * value / 100.0;
        };
        // Percent steps round away from the current size so that "+10%" of 2 cpus still changes something.
        long rounded = mode == ChangeMode.PERCENT
                ? (next >= now ? (long) Math.ceil(next - 1e-9) : (long) Math.floor(next + 1e-9))
                : Math.round(next);
        return Math.max(0, rounded);
    }

    /** Text as written in a rule: {@code ram +1024}. */
    public String describe() {
        String number = value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        return switch (mode) {
            case ABS -> component + " =" + number;
            case REL -> component + " " + (value >= 0 ? "+" : "") + number;
            case PERCENT -> component + " " + (value >= 0 ? "+" : "") + number + "%";
        };
    }
}

package io.scalemanager.core.sizing;

/**
 * What a resize rule's change comes to for an instance of a known size within its bounds: a resize from one size
 * to another, or nothing left to change. Pure, and the one place this is worked out, so the command sent, the
 * would-be resize of a dry run and a backtest's simulated resize are always the same.
 */
public sealed interface ResizePlan {

    /** Plans the change for the current size: the target clamped into the bounds, never turned around. */
    static ResizePlan of(Change change, Size current, Bounds bounds) {
        Component component = change.component();
        long from = current.get(component);
        long wanted = change.target(current);
        long to = bounds.clamp(wanted);
        // Clamping never turns a change around: a scale-down of an instance already below its lower bound does
        // not become a scale-up.
        boolean reversed = Long.signum(to - from) != Long.signum(wanted - from);
        if (to == from || reversed) {
            return new Unchanged(change, from, wanted, bounds);
        }
        return new Resize(component, from, to);
    }

    /** Resize the component from one size to another. */
    record Resize(Component component, long from, long to) implements ResizePlan {
        /** {@code cpu 2 → 3}. */
        public String describe() {
            return component + " " + from + " → " + to;
        }
    }

    /**
     * Nothing to send: the component already has the wanted size, or the bounds leave nothing to change.
     *
     * @param wanted the size the change asks for before the bounds
     */
    record Unchanged(Change change, long current, long wanted, Bounds bounds) implements ResizePlan {
        /** Whether the bounds are what stops the change (rather than the size already being what it asks). */
        public boolean atLimit() {
            return wanted != current;
        }

        /** The bound the change runs into: the upper one for a growth, the lower one for a shrink. */
        public long limit() {
            return wanted > current ? bounds.max() : bounds.min();
        }

        /** Words for people: {@code cpu is already 4 cores; nothing to change}, or what the bounds refuse. */
        public String describe() {
            Component c = change.component();
            if (!atLimit()) {
                return String.format("%s is already %d %s; nothing to change", c, current, c.unit());
            }
            return String.format("%s is %d %s and %s would make it %d, beyond the bounds [%d, %d]; nothing left to "
                    + "change", c, current, c.unit(), change.describe(), wanted, bounds.min(), bounds.max());
        }
    }
}

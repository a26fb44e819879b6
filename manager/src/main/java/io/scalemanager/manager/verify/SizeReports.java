package io.scalemanager.manager.verify;

import io.scalemanager.core.sizing.Component;

/**
 * Which report type shows a component's size, and when a reported value counts as the new size. cpu must match
 * exactly. ram and storage are read inside the guest, which shows less than was given to it (the kernel keeps
 * memory back; a file system's metadata takes room): they count from {@link #TOLERANCE} below the new size up to
 * {@link #ROUNDING} above it, and after a growth only above the size before (the old size's own report, a few
 * per cent below it, must not pass for a small step up).
 */
public final class SizeReports {
    /** How far a guest's ram_total_mb or storage_total_gb may lie from the size given to it. */
    public static final double TOLERANCE = 0.08;
    /** A guest shows no more than it was given; this much above allows for rounding of the reported figure. */
    public static final double ROUNDING = 0.01;

    private SizeReports() {
    }

    public static String type(Component component) {
        return switch (component) {
            case CPU -> "cpus";
            case RAM -> "ram_total_mb";
            case STORAGE -> "storage_total_gb";
        };
    }

    /** Whether a reported value shows the size {@code to} (the action went from {@code from}, when known). */
    public static boolean shows(Component component, double reported, Long from, long to) {
        if (component == Component.CPU) {
            return reported == to;
        }
        if (reported < to * (1 - TOLERANCE) || reported > to * (1 + ROUNDING)) {
            return false;
        }
        return from == null || from >= to || reported > from;
    }
}

package io.scalemanager.cleaner;

import java.io.PrintStream;

/**
 * Finishes actions nobody followed to their end. The manager module implements it (its {@code StuckActions},
 * which ends an action the way the manager does); the wiring hands it to the cleaner, which only schedules it.
 */
@FunctionalInterface
public interface StuckActionCheck {

    /** Checks the stuck actions and returns how many it found; with {@code dryRun} it only prints what it would do. */
    int resolve(boolean dryRun, PrintStream out);
}

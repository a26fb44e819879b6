package io.scalemanager.manager.window;

/**
 * A condition evaluated over the samples of a time range, with the History API's query semantics: {@code held}
 * when at least one sample matches and none fails. With no samples, {@code held} is false, the counts are zero
 * and {@code avg}, {@code min} and {@code max} are NaN (the API writes them as null).
 */
public record WindowStats(boolean held, int matched, int unmatched, int count, double avg, double min, double max) {
    public static final WindowStats EMPTY = new WindowStats(false, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN);
}

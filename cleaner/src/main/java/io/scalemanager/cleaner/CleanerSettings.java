package io.scalemanager.cleaner;

import java.time.Duration;

/**
 * What the cleaner does and how gently.
 *
 * @param interval        time between two runs of the long-running cleaner
 * @param eventRetention  EventLog rows that arrived longer ago than this are archived
 * @param actionRetention finished ActionLog rows older than this are archived
 * @param chunkRows       rows moved per transaction
 * @param pause           fixed sleep between two chunks
 * @param pausePercent    further sleep between two chunks, in percent of the time the last chunk took
 * @param downsample      archive the EventLog as per-minute aggregates instead of raw rows
 * @param stuckAfter      an action pending or running longer than this is checked with the instance API
 */
public record CleanerSettings(Duration interval, Duration eventRetention, Duration actionRetention, int chunkRows,
                              Duration pause, int pausePercent, boolean downsample, Duration stuckAfter) {

    public static CleanerSettings defaults() {
        return new CleanerSettings(Duration.ofMinutes(10), Duration.ofDays(7), Duration.ofDays(90), 5000,
                Duration.ZERO, 150, false, Duration.ofMinutes(30));
    }

    public CleanerSettings {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be at least 1, got " + chunkRows);
        }
        if (pausePercent < 0) {
            throw new IllegalArgumentException("pausePercent must not be negative, got " + pausePercent);
        }
    }

    /**
     * The sleep after a chunk that took {@code chunkTook}. A busy database makes chunks slower, so a pause in
     * proportion to the chunk (pt-archiver's {@code --sleep-coef}) gives ingestion more time back exactly when it
     * needs the database, and little when the database is idle.
     */
    public Duration pauseAfter(Duration chunkTook) {
        return pause.plus(chunkTook.multipliedBy(pausePercent).dividedBy(100));
    }
}

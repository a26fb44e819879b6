package io.scalemanager.cleaner;

import java.time.Duration;

/**
 * What the cleaner does and how gently.
 *
 * @param interval        time between two runs of the long-running cleaner
 * @param eventRetention  EventLog rows that arrived longer ago than this are archived
 * @param actionRetention finished ActionLog rows older than this are archived
 * @param chunkRows       rows moved per transaction
 * @param pause           sleep between two chunks, so ingestion keeps the database most of the time
 * @param downsample      archive the EventLog as per-minute aggregates instead of raw rows
 * @param stuckAfter      an action pending or running longer than this is checked with the instance API
 */
public record CleanerSettings(Duration interval, Duration eventRetention, Duration actionRetention, int chunkRows,
                              Duration pause, boolean downsample, Duration stuckAfter) {

    public static CleanerSettings defaults() {
        return new CleanerSettings(Duration.ofMinutes(10), Duration.ofDays(7), Duration.ofDays(90), 5000,
                Duration.ofMillis(50), false, Duration.ofMinutes(30));
    }

    public CleanerSettings {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be at least 1, got " + chunkRows);
        }
    }
}

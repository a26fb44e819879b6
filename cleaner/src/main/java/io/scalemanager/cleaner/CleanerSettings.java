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
 * @param archive         keep archived EventLog rows raw in event_log_archive; false drops them (with
 *                        {@code downsample}, the per-minute aggregates are what is kept either way)
 * @param partitionSpan   on MariaDB/MySQL, the arrival time each EventLog partition covers
 * @param partitionsAhead on MariaDB/MySQL, how many empty partitions are kept ahead of now
 */
public record CleanerSettings(Duration interval, Duration eventRetention, Duration actionRetention, int chunkRows,
                              Duration pause, int pausePercent, boolean downsample, Duration stuckAfter,
                              boolean archive, Duration partitionSpan, int partitionsAhead) {
    public static final Duration DEFAULT_PARTITION_SPAN = Duration.ofHours(1);
    public static final int DEFAULT_PARTITIONS_AHEAD = 24;

    public static CleanerSettings defaults() {
        return new CleanerSettings(Duration.ofMinutes(10), Duration.ofDays(7), Duration.ofDays(90), 5000,
                Duration.ZERO, 150, false, Duration.ofMinutes(30));
    }

    /** Raw archive, and the default partitions. */
    public CleanerSettings(Duration interval, Duration eventRetention, Duration actionRetention, int chunkRows,
                           Duration pause, int pausePercent, boolean downsample, Duration stuckAfter) {
        this(interval, eventRetention, actionRetention, chunkRows, pause, pausePercent, downsample, stuckAfter, true,
                DEFAULT_PARTITION_SPAN, DEFAULT_PARTITIONS_AHEAD);
    }

    public CleanerSettings {
        if (partitionSpan.toMillis() < 60_000 || partitionSpan.toMillis() % 60_000 != 0) {
            throw new IllegalArgumentException("partitionSpan must be a whole number of minutes, got "
                    + partitionSpan);
        }
        if (partitionsAhead < 1) {
            throw new IllegalArgumentException("partitionsAhead must be at least 1, got " + partitionsAhead);
        }
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be at least 1, got " + chunkRows);
        }
        if (pausePercent < 0) {
            throw new IllegalArgumentException("pausePercent must not be negative, got " + pausePercent);
        }
    }

    /** Whether archived EventLog rows are kept raw (not downsampled, not dropped). */
    public boolean keepRawEvents() {
        return archive && !downsample;
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

package io.scalemanager.cleaner;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseSettings;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The partitioned cleaner as its own process, for the test that kills it at each step:
 * {@code PartitionedCleanerChild URL USER raw|downsample STEP}. After the step named it prints {@code at STEP}
 * and waits to be killed; without reaching it, it finishes and prints {@code done}.
 */
public final class PartitionedCleanerChild {
    public static void main(String[] args) throws InterruptedException {
        boolean downsample = args[2].equals("downsample");
        String stopAt = args[3];
        CleanerSettings settings = settings(downsample);
        try (Database db = Database.open(new DatabaseSettings(args[0], args[1], "", 2, Duration.ofSeconds(10)))) {
            CountDownLatch never = new CountDownLatch(1);
            Cleaner cleaner = new Cleaner(db, settings, Clock.systemUTC(), CleanerChild.NO_STUCK_ACTIONS,
                    DecidedEvents.NOTHING_PENDING, new SimpleMeterRegistry(), step -> {
                        if (step.equals(stopAt)) {
                            System.out.println("at " + step);
                            System.out.flush();
                            try {
                                never.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    });
            Cleaner.Report report = cleaner.runOnce(false, System.out);
            System.out.println("done " + report.eventRows());
        }
    }

    /** Partitions of 6 hours keep the tests' tables at a few dozen partitions (hours would make hundreds). */
    static final Duration SPAN = Duration.ofHours(6);

    /**
     * Seven days' retention, 6-hour partitions (about 1,000 old rows each), 4 ahead, chunks of 300 (so a kill after
     * "downsampled" falls inside a partition); raw archive, or downsampled and not kept raw.
     */
    static CleanerSettings settings(boolean downsample) {
        return new CleanerSettings(Duration.ofMinutes(10), Duration.ofDays(7), Duration.ofDays(90), 300,
                Duration.ZERO, 0, downsample, Duration.ofMinutes(30), true, SPAN, 4);
    }
}

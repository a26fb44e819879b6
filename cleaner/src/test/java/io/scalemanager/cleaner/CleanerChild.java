package io.scalemanager.cleaner;

import ch.qos.logback.classic.Level;
import io.scalemanager.cleaner.archive.ChunkMover;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseSettings;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/**
 * The cleaner as its own process, for tests that kill it: {@code CleanerChild URL USER CHUNK_ROWS PAUSE_MS}.
 * Prints a line per chunk (the test kills it after some) and {@code done} when the run is complete.
 */
public final class CleanerChild {
    /** For tests of archiving: no action is ever stuck. */
    static final StuckActionCheck NO_STUCK_ACTIONS = (dryRun, out) -> 0;

    public static void main(String[] args) {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ChunkMover.class)).setLevel(Level.DEBUG);
        Clock clock = Clock.systemUTC();
        CleanerSettings settings = new CleanerSettings(Duration.ofMinutes(10), Duration.ofDays(7),
                Duration.ofDays(90), Integer.parseInt(args[2]), Duration.ofMillis(Long.parseLong(args[3])), 0, false,
                Duration.ofMinutes(30));
        try (Database db = Database.open(new DatabaseSettings(args[0], args[1], "", 2, Duration.ofSeconds(10)))) {
            Cleaner cleaner = new Cleaner(db, settings, clock, NO_STUCK_ACTIONS, DecidedEvents.NOTHING_PENDING,
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            Cleaner.Report report = cleaner.runOnce(false, System.out);
            System.out.println("done " + report.eventRows() + " " + report.actionRows());
        }
    }
}

package io.scalemanager.cleaner;

import ch.qos.logback.classic.Level;
import io.scalemanager.cleaner.archive.ChunkMover;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseSettings;
import io.scalemanager.manager.actionlog.ActionLocks;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.command.InstanceApiClient;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The cleaner as its own process, for tests that kill it: {@code CleanerChild URL USER CHUNK_ROWS PAUSE_MS}.
 * Prints a line per chunk (the test kills it after some) and {@code done} when the run is complete.
 */
public final class CleanerChild {
    public static void main(String[] args) {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ChunkMover.class)).setLevel(Level.DEBUG);
        Clock clock = Clock.systemUTC();
        CleanerSettings settings = new CleanerSettings(Duration.ofMinutes(10), Duration.ofDays(7),
                Duration.ofDays(90), Integer.parseInt(args[2]), Duration.ofMillis(Long.parseLong(args[3])), 0, false,
                Duration.ofMinutes(30));
        URI nowhere = URI.create("http://127.0.0.1:9");
        try (Database db = Database.open(new DatabaseSettings(args[0], args[1], "", 2, Duration.ofSeconds(10)))) {
            Cleaner cleaner = new Cleaner(db, settings, clock, new ActionLog(db.dataSource(), clock),
                    new AlertLog(db.dataSource(), clock),
                    new InstanceApiClient(() -> nowhere, Optional.empty(), Duration.ofSeconds(1)), new ActionLocks(),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            Cleaner.Report report = cleaner.runOnce(false, System.out);
            System.out.println("done " + report.eventRows() + " " + report.actionRows());
        }
    }
}

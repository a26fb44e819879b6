package io.scalemanager.cleaner;

import io.micrometer.core.instrument.MeterRegistry;
import io.scalemanager.cleaner.archive.ChunkMover;
import io.scalemanager.cleaner.archive.Move;
import io.scalemanager.cleaner.downsample.Downsample;
import io.scalemanager.cleaner.stuck.StuckActions;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.manager.actionlog.ActionLocks;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.command.InstanceApiClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The cleaner: archives old EventLog rows and old finished ActionLog rows in chunks ({@link ChunkMover}),
 * optionally downsampling the EventLog, and resolves stuck actions ({@link StuckActions}). Run it once
 * ({@link #runOnce}) from cron, or {@link #start} it on a schedule. It is safe to kill at any moment.
 */
public final class Cleaner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Cleaner.class);

    /** What one run did (or, dry, would do). */
    public record Report(long eventRows, long actionRows, List<StuckActions.Resolution> stuck) {
    }

    private final Database db;
    private final CleanerSettings settings;
    private final Clock clock;
    private final StuckActions stuckActions;
    private final ChunkMover mover;
    private final MeterRegistry registry;
    private final CountDownLatch closing = new CountDownLatch(1);
    private ScheduledExecutorService schedule;

    public Cleaner(Database db, CleanerSettings settings, Clock clock, ActionLog actionLog, AlertLog alerts,
                   InstanceApiClient instanceApi, ActionLocks locks, MeterRegistry registry) {
        this.db = db;
        this.registry = registry;
        this.settings = settings;
        this.clock = clock;
        this.stuckActions = new StuckActions(actionLog, alerts, instanceApi, locks, clock, settings.stuckAfter());
        this.mover = new ChunkMover(db.dataSource(), settings.chunkRows(), this::pause);
    }

    /** Runs every {@code interval}, the first time after {@code firstDelay}. */
    public synchronized Cleaner start(Duration firstDelay) {
        schedule = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cleaner");
            t.setDaemon(true);
            return t;
        });
        schedule.scheduleWithFixedDelay(() -> {
            try {
                runOnce(false, System.out);
            } catch (RuntimeException e) {
                log.warn("Cleaner run failed, trying again in {}: {}", settings.interval(), e.getMessage());
            }
        }, firstDelay.toMillis(), settings.interval().toMillis(), TimeUnit.MILLISECONDS);
        log.info("Cleaner runs every {}: EventLog older than {}{}, finished actions older than {}, stuck actions "
                        + "after {}", settings.interval(), settings.eventRetention(),
                settings.downsample() ? " downsampled per minute" : "", settings.actionRetention(),
                settings.stuckAfter());
        return this;
    }

    /** One full run: stuck actions first (they hold locks), then the ActionLog, then the EventLog. */
    public Report runOnce(boolean dryRun, PrintStream out) {
        List<StuckActions.Resolution> stuck = stuckActions.resolve(dryRun, out);
        long now = clock.millis();
        long actionCutoff = now - settings.actionRetention().toMillis();
        long eventCutoff = eventCutoff(now);
        Move events = Move.eventLog();
        Move actions = Move.actionLog();
        if (dryRun) {
            ChunkMover.Plan actionPlan = mover.plan(actions, actionCutoff);
            ChunkMover.Plan eventPlan = mover.plan(events, eventCutoff);
            print(out, actions, actionPlan, actions.archive());
            print(out, events, eventPlan, settings.downsample()
                    ? "event_log_minute as per-minute aggregates" : events.archive());
            return new Report(eventPlan.rows(), actionPlan.rows(), stuck);
        }
        long actionRows = mover.move(actions, actionCutoff, ChunkMover.raw()).rows();
        long eventRows = closing.getCount() == 0 ? 0 : mover.move(events, eventCutoff, settings.downsample()
                ? Downsample.into(db.settings().vendor()) : ChunkMover.raw()).rows();
        registry.counter("scalemanager_cleaner_archived_rows", "table", "action_log").increment(actionRows);
        registry.counter("scalemanager_cleaner_archived_rows", "table", "event_log").increment(eventRows);
        registry.counter("scalemanager_cleaner_runs").increment();
        return new Report(eventRows, actionRows, stuck);
    }

    /**
     * EventLog rows that arrived before the retention, and never past what the embedded queue has decided: an
     * event the manager has not seen yet stays where the queue replays it from.
     */
    private long eventCutoff(long now) {
        long cutoff = EventSequence.firstAt(now - settings.eventRetention().toMillis());
        try (Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MIN(seq) FROM queue_offset")) {
            rs.next();
            long decided = rs.getLong(1);
            return rs.wasNull() ? cutoff : Math.min(cutoff, decided + 1);
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the queue positions: " + e.getMessage(), e);
        }
    }

    private static void print(PrintStream out, Move move, ChunkMover.Plan plan, String target) {
        if (plan.rows() == 0) {
            out.printf("would archive no %s%n", move.name());
        } else {
            out.printf("would archive %d %s (%s %d to %d) into %s%n", plan.rows(), move.name(), move.key(),
                    plan.firstKey().getAsLong(), plan.lastKey().getAsLong(), target);
        }
    }

    private boolean pause(Duration lastChunk) {
        try {
            return !closing.await(settings.pauseAfter(lastChunk).toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops after the chunk in progress; a later run continues where this one stopped. */
    @Override
    public synchronized void close() {
        closing.countDown();
        if (schedule != null) {
            // No interrupt: H2 closes its file when a thread inside it is interrupted. The walk stops at the
            // next pause instead.
            schedule.shutdown();
            try {
                schedule.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

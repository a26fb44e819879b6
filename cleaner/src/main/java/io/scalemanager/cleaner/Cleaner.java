package io.scalemanager.cleaner;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scalemanager.cleaner.archive.ChunkMover;
import io.scalemanager.cleaner.archive.Move;
import io.scalemanager.cleaner.downsample.Downsample;
import io.scalemanager.cleaner.partition.PartitionArchiver;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseSettings.Vendor;
import io.scalemanager.core.state.EventSequence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The cleaner: archives old EventLog rows and old finished ActionLog rows in chunks ({@link ChunkMover}),
 * optionally downsampling the EventLog, and has the manager's stuck actions resolved ({@link StuckActionCheck}).
 * It depends on core only: what it needs of the queue and the manager is handed over by the wiring. Run it once
 * ({@link #runOnce}) from cron, or {@link #start} it on a schedule. It is safe to kill at any moment.
 */
public final class Cleaner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Cleaner.class);

    /**
     * What one run did (or, dry, would do).
     *
     * @param recordRows         rows archived per record table ({@link Move#records()}), by table name
     * @param eventsTook         the wall time of the EventLog's step
     * @param eventRowsEstimated whether {@code eventRows} counts a large partition by the database's statistics
     *                           rather than exactly (partitioned EventLog only, ADR 9)
     * @param eventSteps         where the EventLog step's time went, per kind of statement (partitioned EventLog
     *                           only; empty for the chunk walk)
     */
    public record Report(long eventRows, Map<String, Long> recordRows, int stuckActions, Duration eventsTook,
                         boolean eventRowsEstimated, Map<String, Duration> eventSteps) {
        public Report {
            recordRows = Map.copyOf(recordRows);
            eventSteps = Collections.unmodifiableMap(new LinkedHashMap<>(eventSteps));
        }

        Report(long eventRows, Map<String, Long> recordRows, int stuckActions, Duration eventsTook) {
            this(eventRows, recordRows, stuckActions, eventsTook, false, Map.of());
        }

        /** Finished ActionLog rows archived. */
        public long actionRows() {
            return recordRows.getOrDefault(Move.actionLog().table(), 0L);
        }
    }

    private final Database db;
    private final CleanerSettings settings;
    private final Clock clock;
    private final StuckActionCheck stuckActions;
    private final DecidedEvents decided;
    private final ChunkMover mover;
    /** On MariaDB/MySQL: the EventLog leaves by partition once it is partitioned ({@code --partition}). */
    private final Optional<PartitionArchiver> partitions;
    private final MeterRegistry registry;
    private final CountDownLatch closing = new CountDownLatch(1);
    private ScheduledExecutorService schedule;

    public Cleaner(Database db, CleanerSettings settings, Clock clock, StuckActionCheck stuckActions,
                   DecidedEvents decided, MeterRegistry registry) {
        this(db, settings, clock, stuckActions, decided, registry, PartitionArchiver.Steps.NONE);
    }

    /** With {@code steps} told of every step of the partitioned archiving (the tests' crash points). */
    Cleaner(Database db, CleanerSettings settings, Clock clock, StuckActionCheck stuckActions, DecidedEvents decided,
            MeterRegistry registry, PartitionArchiver.Steps steps) {
        this.db = db;
        this.registry = registry;
        this.settings = settings;
        this.clock = clock;
        this.stuckActions = stuckActions;
        this.decided = decided;
        this.mover = new ChunkMover(db.dataSource(), settings.chunkRows(), this::pause);
        // H2 has no partition exchange: it keeps the chunk walk.
        this.partitions = db.settings().vendor() == Vendor.MYSQL ? Optional.of(new PartitionArchiver(
                db.dataSource(), settings.partitionSpan(), settings.partitionsAhead(), settings.chunkRows(), clock,
                steps, registry))
                : Optional.empty();
    }

    /**
     * The one-time migration to the partitioned EventLog ({@code scalemanager cleaner --partition}); MariaDB and
     * MySQL only.
     */
    public void partition(PrintStream out) {
        partitions.orElseThrow(() -> new IllegalStateException("the EventLog is partitioned on MariaDB/MySQL only; "
                + "on H2 the cleaner walks it in chunks")).partitionTables(out);
    }

    /** Whether this run archives the EventLog by partition rather than in chunks. */
    public boolean byPartition() {
        return partitions.isPresent() && partitions.get().active();
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

    /**
     * One full run: stuck actions first (they hold locks), then the record tables (ActionLog, ...), then the
     * EventLog.
     */
    public Report runOnce(boolean dryRun, PrintStream out) {
        int stuck = stuckActions.resolve(dryRun, out);
        long now = clock.millis();
        long recordCutoff = now - settings.actionRetention().toMillis();
        long eventCutoff = eventCutoff(now);
        Move events = Move.eventLog();
        Map<String, Long> recordRows = new LinkedHashMap<>();
        if (dryRun) {
            for (Move records : Move.records()) {
                ChunkMover.Plan plan = mover.plan(records, recordCutoff);
                print(out, records, plan, records.archive());
                recordRows.put(records.table(), plan.rows());
            }
            String target = settings.downsample() ? "event_log_minute as per-minute aggregates"
                    : settings.archive() ? events.archive() : "nowhere (cleaner.archive: false)";
            if (byPartition()) {
                return new Report(partitions.get().plan(eventCutoff, out, target), recordRows, stuck,
                        Duration.ZERO);
            }
            ChunkMover.Plan eventPlan = mover.plan(events, eventCutoff);
            print(out, events, eventPlan, target);
            return new Report(eventPlan.rows(), recordRows, stuck, Duration.ZERO);
        }
        for (Move records : Move.records()) {
            long rows = closing.getCount() == 0 ? 0 : mover.move(records, recordCutoff, ChunkMover.raw()).rows();
            recordRows.put(records.table(), rows);
            archivedRows(records.table()).increment(rows);
        }
        long eventsStart = System.nanoTime();
        PartitionArchiver.Result eventResult = closing.getCount() == 0
                ? new PartitionArchiver.Result(0, 0, Duration.ZERO, false, Map.of()) : archiveEvents(events, eventCutoff);
        Duration eventsTook = Duration.ofNanos(System.nanoTime() - eventsStart);
        archivedRows("event_log").increment(eventResult.rows());
        Counter.builder("scalemanager_cleaner_runs").description("Cleaner runs finished")
                .register(registry).increment();
        return new Report(eventResult.rows(), recordRows, stuck, eventsTook, eventResult.estimated(),
                eventResult.steps());
    }

    private PartitionArchiver.Result archiveEvents(Move events, long cutoff) {
        if (byPartition()) {
            return partitions.get().archive(cutoff, settings.downsample(), settings.keepRawEvents());
        }
        ChunkMover.Copy copy = settings.downsample() ? Downsample.into(db.settings().vendor())
                : settings.archive() ? ChunkMover.raw() : ChunkMover.discard();
        return new PartitionArchiver.Result(mover.move(events, cutoff, copy).rows(), 0, Duration.ZERO, false,
                Map.of());
    }

    /**
     * EventLog rows that arrived before the retention, and never past what the manager has decided: an event the
     * manager has not seen yet stays where the queue replays it from.
     */
    private long eventCutoff(long now) {
        long cutoff = EventSequence.firstAt(now - settings.eventRetention().toMillis());
        OptionalLong decidedUpTo = decided.decidedUpTo();
        return decidedUpTo.isEmpty() ? cutoff : Math.min(cutoff, decidedUpTo.getAsLong() + 1);
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

    private Counter archivedRows(String table) {
        return Counter.builder("scalemanager_cleaner_archived_rows")
                .description("Rows the cleaner moved into the archive, by source table; a partitioned "
                        + "EventLog's partitions of 100,000 rows or more as the database's statistics estimate them")
                .tag("table", table)
                .register(registry);
    }
}

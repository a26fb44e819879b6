package io.scalemanager.history.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.core.state.State;
import io.scalemanager.history.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes accepted states to the EventLog with group commit: one writer thread takes every request waiting at
 * that moment and commits them in one transaction, then hands the events to the {@link CommitListener} in
 * the same order. A caller returns only after its states are committed and the listener's future completed
 * (Kafka acknowledged them, in a distributed deployment), so an answered request survives {@code kill -9} of
 * any process; a caller that gave up before the writer took its states is guaranteed they were not stored.
 */
public final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final int WAITING = 0;
    private static final int TAKEN = 1;
    private static final int ABANDONED = 2;
    public static final int DEFAULT_MAX_PENDING_ROWS = 200_000;

    private final EventLog eventLog;
    private final CommitListener listener;
    private final int maxRowsPerCommit;
    private final EventSequence sequence;
    private final LinkedBlockingQueue<Request> pending = new LinkedBlockingQueue<>();
    /** States in {@link #pending}, abandoned ones included: they hold memory until the writer polls them. */
    private final AtomicInteger pendingRows = new AtomicInteger();
    private final int maxPendingRows;
    private final Thread thread;
    /**
     * Committed groups on their way to the listener, handed on by a thread of their own so the writer commits the
     * next group meanwhile. Bounded: a queue that pushes back (the embedded queue when the manager is behind)
     * still slows the writer, and through it ingestion.
     */
    private final ArrayBlockingQueue<Committed> committed = new ArrayBlockingQueue<>(2);
    private final Thread handover;
    private final Timer commitTimer;
    private final DistributionSummary commitRows;
    private final Counter failures;
    private final Counter rejectedFull;
    private volatile boolean accepting = true;
    private volatile boolean running = true;

    public GroupCommitWriter(EventLog eventLog, CommitListener listener, Clock clock, int maxRowsPerCommit,
                             MeterRegistry registry) {
        this(eventLog, listener, clock, maxRowsPerCommit, 0, registry);
    }

    /**
     * @param writerId this writer's number among those sharing the EventLog (0–63); see {@link EventSequence}
     */
    public GroupCommitWriter(EventLog eventLog, CommitListener listener, Clock clock, int maxRowsPerCommit,
                             int writerId, MeterRegistry registry) {
        this(eventLog, listener, clock, maxRowsPerCommit, writerId, DEFAULT_MAX_PENDING_ROWS, registry);
    }

    /**
     * @param maxPendingRows states that may wait for the writer at once; a write beyond it is refused at once, so
     *                       a stalled database bounds memory instead of queueing every request that arrives
     */
    public GroupCommitWriter(EventLog eventLog, CommitListener listener, Clock clock, int maxRowsPerCommit,
                             int writerId, int maxPendingRows, MeterRegistry registry) {
        this.maxPendingRows = maxPendingRows;
        this.eventLog = eventLog;
        this.listener = listener;
        this.maxRowsPerCommit = maxRowsPerCommit;
        this.sequence = new EventSequence(clock, eventLog.lastSeq(), writerId);
        this.commitTimer = Timer.builder("scalemanager_history_commit").publishPercentileHistogram(false)
                .description("Time of one EventLog transaction (a group of requests' states)").register(registry);
        this.commitRows = DistributionSummary.builder("scalemanager_history_commit_rows")
                .description("States written per EventLog transaction").register(registry);
        this.failures = Counter.builder("scalemanager_history_commit_failures")
                .description("EventLog transactions that failed (their requests were answered 503)").register(registry);
        this.rejectedFull = Counter.builder("scalemanager_history_writer_full")
                .description("Writes refused because too many states waited for the EventLog writer")
                .register(registry);
        this.thread = new Thread(this::run, "eventlog-writer");
        this.handover = new Thread(this::handOver, "eventlog-handover");
    }

    public GroupCommitWriter start() {
        handover.start();
        thread.start();
        return this;
    }

    /**
     * Stores the states and returns once they are committed and handed on.
     *
     * @throws WriteUnavailableException when they were not stored (and never will be by this call)
     */
    public void write(List<State> states, Duration timeout) {
        if (!accepting) {
            throw new WriteUnavailableException("the server is shutting down", null);
        }
        Request request = new Request(states);
        int waiting = pendingRows.addAndGet(states.size());
        if (waiting > maxPendingRows && waiting > states.size()) {
            pendingRows.addAndGet(-states.size());
            rejectedFull.increment();
            throw new WriteUnavailableException("storage is behind: " + (waiting - states.size())
                    + " states already wait for it (limit " + maxPendingRows + ")", null);
        }
        pending.add(request);
        try {
            request.done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (request.state.compareAndSet(WAITING, ABANDONED)) {
                throw new WriteUnavailableException("storage did not take the states within " + timeout, null);
            }
            // The writer already has them: their fate is being decided now, so wait for it.
            awaitTaken(request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (request.state.compareAndSet(WAITING, ABANDONED)) {
                throw new WriteUnavailableException("interrupted", e);
            }
            awaitTaken(request);
        } catch (ExecutionException e) {
            throw unavailable(e.getCause());
        }
    }

    private static void awaitTaken(Request request) {
        try {
            request.done.join();
        } catch (RuntimeException e) {
            throw unavailable(e.getCause() != null ? e.getCause() : e);
        }
    }

    private static WriteUnavailableException unavailable(Throwable cause) {
        if (cause instanceof WriteUnavailableException w) {
            return w;
        }
        return new WriteUnavailableException("storage failed: " + cause.getMessage(), cause);
    }

    private void run() {
        List<Request> batch = new ArrayList<>();
        while (running || !pending.isEmpty()) {
            try {
                Request first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.clear();
                int rows = take(first, batch);
                Request next;
                while (rows < maxRowsPerCommit && (next = pending.poll()) != null) {
                    rows += take(next, batch);
                }
                if (!batch.isEmpty()) {
                    commitOrFail(batch, rows);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private int take(Request request, List<Request> batch) {
        pendingRows.addAndGet(-request.states.size());
        if (request.state.compareAndSet(WAITING, TAKEN)) {
            batch.add(request);
            return request.states.size();
        }
        return 0;
    }

    /** Never lets the writer thread die: whatever goes wrong fails this batch only. */
    private void commitOrFail(List<Request> batch, int rows) {
        try {
            commit(batch, rows);
        } catch (RuntimeException | Error e) {
            log.error("The EventLog writer failed on a batch of {} states", rows, e);
            WriteUnavailableException failure = new WriteUnavailableException("storage failed: " + e, e);
            for (Request r : batch) {
                r.done.completeExceptionally(failure);
            }
        }
    }

    private void commit(List<Request> batch, int rows) {
        List<Event> events = new ArrayList<>(rows);
        for (Request r : batch) {
            for (State s : r.states) {
                events.add(new Event(sequence.next(), s));
            }
        }
        long start = System.nanoTime();
        try {
            eventLog.append(events);
        } catch (RuntimeException e) {
            failures.increment();
            log.warn("Could not store {} states: {}", rows, e.getMessage());
            WriteUnavailableException failure = new WriteUnavailableException("storage failed: " + e.getMessage(), e);
            for (Request r : batch) {
                r.done.completeExceptionally(failure);
            }
            return;
        }
        commitTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        commitRows.record(rows);
        try {
            committed.put(new Committed(events, List.copyOf(batch), rows));
        } catch (InterruptedException e) {
            // Nothing interrupts the writer on purpose; should it happen, hand the group on here, never drop it.
            Thread.currentThread().interrupt();
            handOver(new Committed(events, List.copyOf(batch), rows));
        }
    }

    /** One group committed to the EventLog, its requests, and how many states it holds. */
    private record Committed(List<Event> events, List<Request> group, int rows) {
    }

    private void handOver() {
        while (true) {
            try {
                Committed next = committed.poll(100, TimeUnit.MILLISECONDS);
                if (next != null) {
                    handOver(next);
                } else if (!thread.isAlive() && thread.getState() != Thread.State.NEW) {
                    // The writer is done: what it put before it ended is here now.
                    while ((next = committed.poll()) != null) {
                        handOver(next);
                    }
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Never lets the hand-over thread die: whatever goes wrong fails this group's requests only. */
    private void handOver(Committed c) {
        CompletableFuture<Void> handedOn;
        try {
            handedOn = listener.committed(c.events());
        } catch (RuntimeException e) {
            handedOn = CompletableFuture.failedFuture(e);
        }
        handedOn.whenComplete((ok, error) -> {
            if (error == null) {
                for (Request r : c.group()) {
                    r.done.complete(null);
                }
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            log.warn("{} committed states could not be handed to the queue: {}", c.rows(), cause.getMessage());
            WriteUnavailableException failure = new WriteUnavailableException(
                    "queue unavailable: " + cause.getMessage(), cause);
            for (Request r : c.group()) {
                r.done.completeExceptionally(failure);
            }
        });
    }

    /** Stops accepting, writes everything already waiting, then stops. */
    @Override
    public void close() {
        accepting = false;
        running = false;
        try {
            thread.join(30_000);
            handover.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // A write that slipped in while the writer was finishing is answered now, not at its timeout.
        WriteUnavailableException stopping = new WriteUnavailableException("the server is shutting down", null);
        Request late;
        while ((late = pending.poll()) != null) {
            pendingRows.addAndGet(-late.states.size());
            if (late.state.compareAndSet(WAITING, ABANDONED)) {
                late.done.completeExceptionally(stopping);
            }
        }
    }

    private static final class Request {
        final List<State> states;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final AtomicInteger state = new AtomicInteger(WAITING);

        Request(List<State> states) {
            this.states = states;
        }
    }
}

package io.scalemanager.manager.decision;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scalemanager.retry.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes decisions to the {@link DecisionLog} off the partition threads: they hand decisions over without
 * waiting, and one thread writes what gathered as one batch, at most {@code interval} after it was decided. A
 * database that does not answer holds the batch and is tried again; while it stays away the hand-over fills up
 * and further decisions are counted in {@code scalemanager_decisions_dropped} rather than slowing the manager.
 * The ActionLog stays the record of what was done; this is the record of why and why not.
 */
public final class DecisionWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DecisionWriter.class);
    private static final int MAX_BATCH = 2_000;

    private final DecisionLog decisionLog;
    private final Duration interval;
    private final BlockingQueue<Decision> pending;
    private final Counter written;
    private final Counter dropped;
    private final Thread thread;
    private volatile boolean closing;

    public DecisionWriter(DecisionLog decisionLog, Duration interval, int capacity, MeterRegistry registry) {
        this.decisionLog = decisionLog;
        this.interval = interval;
        this.pending = new ArrayBlockingQueue<>(capacity);
        this.written = Counter.builder("scalemanager_decisions_written")
                .description("Decision records written to the decision log").register(registry);
        this.dropped = Counter.builder("scalemanager_decisions_dropped")
                .description("Decision records not written because the hand-over to the writer was full")
                .register(registry);
        this.thread = new Thread(this::run, "decision-writer");
        this.thread.setDaemon(true);
    }

    public DecisionWriter start() {
        thread.start();
        return this;
    }

    /** Hands a decision over; never blocks. */
    public void add(Decision d) {
        if (!pending.offer(d)) {
            dropped.increment();
        }
    }

    private void run() {
        List<Decision> batch = new ArrayList<>();
        // After a failed write: the interval, doubling up to 30 s while the database stays away.
        Backoff retry = new Backoff(interval, Duration.ofSeconds(30));
        int failures = 0;
        while (!closing || !pending.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    Decision first = pending.poll(interval.toMillis(), TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    // Let the batch gather for a moment: one commit for what a burst of events decided.
                    if (!closing) {
                        Thread.sleep(interval.toMillis());
                    }
                }
                pending.drainTo(batch, MAX_BATCH - batch.size());
                decisionLog.append(batch);
                written.increment(batch.size());
                batch.clear();
                failures = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (closing) {
                    log.warn("Could not write {} decisions while stopping: {}", batch.size(), e.getMessage());
                    dropped.increment(batch.size());
                    return;
                }
                log.warn("Could not write {} decisions, trying again: {}", batch.size(), e.getMessage());
                try {
                    Thread.sleep(retry.delay(failures++).toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Writes what was handed over, then stops. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

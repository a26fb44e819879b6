package io.scalemanager.queue.embedded;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.scalemanager.core.state.Event;
import io.scalemanager.queue.EventHandler;
import io.scalemanager.queue.EventQueue;
import io.scalemanager.queue.QueueUnavailableException;
import io.scalemanager.queue.ReplaySource;
import io.scalemanager.retry.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The queue of the all-in-one: in-memory partitions keyed by instance, each drained by one thread, with the
 * EventLog as its durable log. Each partition's position is saved every second; after a restart the events
 * after the saved positions are read back from the EventLog and delivered again before live ones.
 *
 * <p>One thread publishes, in sequence order (the EventLog writer's hand-over thread, after each commit). That is
 * what lets an idle partition move its saved position up to the last published sequence number: nothing older
 * can still arrive.
 */
public final class EmbeddedQueue implements EventQueue {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedQueue.class);

    /** A handler that throws is offered the event again, after 100 ms doubling up to 5 s: nothing is skipped. */
    private static final Backoff HANDLER_RETRY = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    private final List<Partition> partitions = new ArrayList<>();
    private final OffsetStore offsets;
    private final ReplaySource replaySource;
    private final Clock clock;
    private final Timer delay;
    private final ScheduledExecutorService committer = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "queue-offset-committer"));
    private volatile boolean accepting = true;
    /** The highest sequence number handed to a partition; an idle partition has handled everything up to it. */
    private volatile long lastPublished;

    public EmbeddedQueue(int partitionCount, int capacityPerPartition, OffsetStore offsets, ReplaySource replaySource,
                         Clock clock, MeterRegistry registry) {
        this.offsets = offsets;
        this.replaySource = replaySource;
        this.clock = clock;
        for (int p = 0; p < partitionCount; p++) {
            partitions.add(new Partition(p, capacityPerPartition));
        }
        this.delay = Timer.builder("scalemanager_queue_delivery_delay")
                .description("Time from an event's commit to the end of its handling")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        Gauge.builder("scalemanager_queue_lag_seconds", this, q -> q.lagMillis() / 1000.0)
                .description("Age of the oldest event not yet handled").register(registry);
        Gauge.builder("scalemanager_queue_pending_events", this, EmbeddedQueue::pendingEvents)
                .description("Events committed but not yet handled by the manager").register(registry);
    }

    /** The partition of an instance: stable across restarts, since String.hashCode is specified. */
    public int partitionOf(String instance) {
        return Math.floorMod(instance.hashCode(), partitions.size());
    }

    @Override
    public void publish(List<Event> events) {
        if (!accepting) {
            throw new QueueUnavailableException("the queue is stopping");
        }
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            partitions.get(partitionOf(e.instance())).put(e);
        }
        if (!events.isEmpty()) {
            lastPublished = events.get(events.size() - 1).seq();
        }
    }

    @Override
    public void start(EventHandler handler) {
        Map<Integer, Long> saved = offsets.load();
        long lowest = Long.MAX_VALUE;
        for (Partition p : partitions) {
            // A partition without a saved position (new, or more partitions than before) starts where the
            // least advanced known one stands; decisions are idempotent, so re-delivery is safe.
            p.handled = saved.getOrDefault(p.number, saved.values().stream().min(Long::compare).orElse(0L));
            p.committed = p.handled;
            lowest = Math.min(lowest, p.handled);
        }
        for (Partition p : partitions) {
            p.start(handler);
        }
        long head = replaySource.lastSeq();
        if (head > lowest) {
            long[] replayed = {0};
            replaySource.scan(lowest, head, e -> {
                Partition p = partitions.get(partitionOf(e.instance()));
                if (e.seq() > p.handled) {
                    p.put(e);
                    replayed[0]++;
                }
            });
            if (replayed[0] > 0) {
                log.info("Replaying {} events that were accepted but not yet decided before the last stop",
                        replayed[0]);
            }
        }
        lastPublished = Math.max(lastPublished, head);
        committer.scheduleWithFixedDelay(this::commitOffsets, 1, 1, TimeUnit.SECONDS);
    }

    private void commitOffsets() {
        long published = lastPublished; // read before looking at the partitions: see Partition.unfinished
        for (Partition p : partitions) {
            if (p.unfinished.get() == 0 && published > p.handled) {
                // Nothing queued or in hand: every event published so far that belongs here is handled, so an
                // idle partition moves along and a restart does not scan what it never had.
                p.handled = published;
            }
            long handled = p.handled;
            if (handled > p.committed) {
                try {
                    offsets.save(p.number, handled);
                    p.committed = handled;
                } catch (RuntimeException e) {
                    log.warn("Could not save the position of partition {}: {}", p.number, e.getMessage());
                }
            }
        }
    }

    @Override
    public long lagMillis() {
        long now = clock.millis();
        long lag = 0;
        for (Partition p : partitions) {
            // The event in the handler's hands is the oldest of its partition: a stuck handler must show as lag.
            Event oldest = p.inHand;
            if (oldest == null) {
                oldest = p.events.peek();
            }
            if (oldest != null) {
                lag = Math.max(lag, now - oldest.arrivedAtMs());
            }
        }
        return lag;
    }

    private double pendingEvents() {
        long n = 0;
        for (Partition p : partitions) {
            n += p.events.size();
        }
        return n;
    }

    @Override
    public void close() {
        accepting = false;
        for (Partition p : partitions) {
            p.stopWhenDrained();
        }
        for (Partition p : partitions) {
            p.join(Duration.ofSeconds(20));
        }
        committer.shutdown();
        try {
            committer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        commitOffsets();
    }

    private final class Partition {
        final int number;
        final ArrayBlockingQueue<Event> events;
        /** Events put here and not yet handled: counted up before the put, down after the handler returns. */
        final AtomicLong unfinished = new AtomicLong();
        volatile long handled;
        volatile long committed;
        volatile boolean draining;
        /** The event being handled now, or null. */
        volatile Event inHand;
        Thread thread;

        Partition(int number, int capacity) {
            this.number = number;
            this.events = new ArrayBlockingQueue<>(capacity);
        }

        void put(Event e) {
            unfinished.incrementAndGet();
            try {
                events.put(e);
            } catch (InterruptedException ex) {
                unfinished.decrementAndGet();
                Thread.currentThread().interrupt();
                throw new QueueUnavailableException("interrupted while publishing");
            }
        }

        void start(EventHandler handler) {
            thread = new Thread(() -> run(handler), "queue-partition-" + number);
            thread.start();
        }

        private void run(EventHandler handler) {
            while (true) {
                Event e;
                try {
                    e = events.poll(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException ex) {
                    return;
                }
                if (e == null) {
                    if (draining) {
                        return;
                    }
                    continue;
                }
                inHand = e;
                boolean delivered = deliver(handler, e);
                inHand = null;
                if (!delivered) {
                    return;
                }
                handled = Math.max(handled, e.seq());
                unfinished.decrementAndGet();
                delay.record(Math.max(0, clock.millis() - e.arrivedAtMs()), TimeUnit.MILLISECONDS);
            }
        }

        /** Offers the event until the handler takes it; false only when interrupted. */
        private boolean deliver(EventHandler handler, Event e) {
            for (int failures = 0; ; failures++) {
                try {
                    handler.handle(number, e);
                    return true;
                } catch (RuntimeException ex) {
                    long waitMs = HANDLER_RETRY.delay(failures).toMillis();
                    log.warn("Handling event {} of {} failed, retrying in {} ms: {}",
                            e.seq(), e.instance(), waitMs, ex.getMessage());
                    try {
                        Thread.sleep(waitMs);
                    } catch (InterruptedException ie) {
                        return false;
                    }
                }
            }
        }

        void stopWhenDrained() {
            draining = true;
        }

        void join(Duration timeout) {
            if (thread == null) {
                return; // closed before it was started
            }
            try {
                thread.join(timeout.toMillis());
                if (thread.isAlive()) {
                    log.warn("Partition {} did not drain in {}; the rest is replayed after restart", number, timeout);
                    thread.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

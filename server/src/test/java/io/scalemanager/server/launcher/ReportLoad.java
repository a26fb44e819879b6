package io.scalemanager.server.launcher;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fleet of instances reporting through several collectors at a steady, modest rate, as agents behind a load
 * balancer would. Every request's outcome is recorded with its states and times, so a test can check that
 * whatever was answered 202 was kept, and what the collectors answered during an outage.
 */
final class ReportLoad implements AutoCloseable {
    static final String TYPE = "load";

    /** One request: where it went, what it carried, its status, and when it was sent and answered (nanoTime). */
    record Outcome(URI collector, List<SentState> states, int status, long sentNanos, long answeredNanos) {
    }

    private final CollectorClient client;
    private final List<URI> collectors;
    private final String prefix;
    private final int instances;
    private final int batchSize;
    private final ScheduledExecutorService senders;
    private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    // Values are unique across the load (and below any threshold that matters), so each state can be found again.
    private final AtomicLong nextValue = new AtomicLong(1);
    private final AtomicLong nextInstance = new AtomicLong();

    /**
     * Starts the senders.
     *
     * @param client  the HTTP client every sender posts with
     * @param collectors one sender per collector, each posting a batch of {@code batchSize} states every
     *                {@code periodMillis}; a sender waiting on a slow answer sends its next batch late, as an
     *                agent would
     */
    ReportLoad(CollectorClient client, List<URI> collectors, String prefix, int instances, int batchSize,
               long periodMillis) {
        this.client = client;
        this.collectors = List.copyOf(collectors);
        this.prefix = prefix;
        this.instances = instances;
        this.batchSize = batchSize;
        this.senders = Executors.newScheduledThreadPool(collectors.size());
        for (URI collector : this.collectors) {
            senders.scheduleAtFixedRate(() -> sendBatch(collector), 0, periodMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void sendBatch(URI collector) {
        List<SentState> batch = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            String instance = prefix + (nextInstance.getAndIncrement() % instances);
            batch.add(SentState.now(instance, TYPE, nextValue.getAndIncrement()));
        }
        long sent = System.nanoTime();
        int status = client.post(collector, batch);
        outcomes.add(new Outcome(collector, batch, status, sent, System.nanoTime()));
    }

    List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    long answered(URI collector, int status, long afterNanos) {
        return outcomes.stream().filter(o -> o.collector.equals(collector) && o.status == status
                && o.sentNanos > afterNanos).count();
    }

    /** Every state of a request answered 202. */
    List<SentState> accepted() {
        List<SentState> accepted = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.status == 202) {
                accepted.addAll(o.states);
            }
        }
        return accepted;
    }

    /** Stops sending and waits for the requests in flight to be answered. */
    @Override
    public void close() {
        senders.shutdown();
        try {
            if (!senders.awaitTermination(60, TimeUnit.SECONDS)) {
                senders.shutdownNow();
            }
        } catch (InterruptedException e) {
            senders.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

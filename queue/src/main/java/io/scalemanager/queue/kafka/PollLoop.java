package io.scalemanager.queue.kafka;

import io.scalemanager.core.state.Event;
import io.scalemanager.queue.EventHandler;
import io.scalemanager.queue.PartitionListener;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The consumer's single thread: polls, hands each partition's records in offset order to the handler, commits
 * only what was handled, and keeps the PartitionListener in step with the group's assignment. Everything that
 * touches the Kafka consumer happens here, as the consumer is not thread-safe.
 */
final class PollLoop implements Runnable, ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(PollLoop.class);
    /** Short, so that a stop request is seen quickly; records that arrive end a poll at once anyway. */
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final long COMMIT_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long CONNECTION_CHECK_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final EventHandler handler;
    private final PartitionListener listener;
    private final Map<Integer, PartitionProgress> progress;
    private final Clock clock;
    private final long retryPauseNanos;
    private final Duration closeTimeout;
    private volatile boolean running = true;
    private volatile boolean connected;
    private long lastConnectionCheckNanos = System.nanoTime() - CONNECTION_CHECK_INTERVAL_NANOS;
    private long lastCommitNanos = System.nanoTime();
    private long closeDeadlineNanos;

    PollLoop(Consumer<byte[], byte[]> consumer, String topic, EventHandler handler, PartitionListener listener,
             Map<Integer, PartitionProgress> progress, Clock clock, Duration retryPause, Duration closeTimeout) {
        this.consumer = consumer;
        this.topic = topic;
        this.handler = handler;
        this.listener = listener;
        this.progress = progress;
        this.clock = clock;
        this.retryPauseNanos = retryPause.toNanos();
        this.closeTimeout = closeTimeout;
    }

    /** Asks the loop to finish the event in hand, commit and leave the group. */
    void stop() {
        running = false;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic), this);
            while (running) {
                pollOnce();
            }
        } finally {
            closeDeadlineNanos = System.nanoTime() + closeTimeout.toNanos();
            commitSync(new ArrayList<>(progress.values()));
            try {
                // Leaving the group revokes every partition through onPartitionsRevoked: the listener hears it.
                consumer.close(CloseOptions.timeout(remainingCloseTime()));
            } catch (RuntimeException e) {
                log.warn("Closing the Kafka consumer failed: {}", e.toString());
            }
        }
    }

    private void pollOnce() {
        try {
            retryDuePartitions();
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
            for (TopicPartition tp : records.partitions()) {
                deliver(tp, records.records(tp));
            }
            noteBacklog();
            noteConnection();
            if (System.nanoTime() - lastCommitNanos >= COMMIT_INTERVAL_NANOS) {
                commitAsync();
            }
        } catch (RuntimeException e) {
            // Kafka errors that survive the client's own retries (authorization, a fenced member, ...): report and
            // keep going, so the consumer recovers once the cause is fixed.
            log.warn("Kafka consumer poll failed; retrying in {} ms", Duration.ofNanos(retryPauseNanos).toMillis(), e);
            pauseAfterError();
        }
    }

    private void deliver(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records) {
        PartitionProgress p = progress.get(tp.partition());
        if (p == null || !p.ready) {
            return; // not ours any more, or its state is not built yet; the partition is paused then
        }
        for (int i = 0; i < records.size() && running; i++) {
            ConsumerRecord<byte[], byte[]> record = records.get(i);
            Event event;
            try {
                event = EventCodec.decode(record.value());
            } catch (MalformedEventException e) {
                log.warn("Skipping record at partition {} offset {} of {}: {}", tp.partition(), record.offset(), topic,
                        e.getMessage());
                p.skipped(record.offset());
                continue;
            }
            p.handling(event.arrivedAtMs());
            try {
                handler.handle(tp.partition(), event);
            } catch (RuntimeException e) {
                log.warn("Handling event {} of instance {} (partition {} offset {}) failed; offering it again in {} ms",
                        event.seq(), event.instance(), tp.partition(), record.offset(),
                        Duration.ofNanos(retryPauseNanos).toMillis(), e);
                // Back to the failed record, and no later record of this partition until it is handled.
                consumer.seek(tp, record.offset());
                consumer.pause(List.of(tp));
                p.retryAtNanos = System.nanoTime() + retryPauseNanos;
                return;
            }
            p.handled(record.offset(), event.arrivedAtMs());
        }
    }

    private void retryDuePartitions() {
        long now = System.nanoTime();
        List<PartitionProgress> unready = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (PartitionProgress p : progress.values()) {
            if (p.retryAtNanos != 0 && now - p.retryAtNanos >= 0) {
                if (p.ready) {
                    p.retryAtNanos = 0;
                    resume.add(new TopicPartition(topic, p.partition));
                } else {
                    unready.add(p);
                }
            }
        }
        if (!unready.isEmpty()) {
            resume.addAll(prepare(unready));
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    /** Whether the consumer had a connection to a broker at its last look (for readiness). */
    boolean connected() {
        return connected;
    }

    /**
     * The client's own count of open broker connections, read at most once a second: the consumer object belongs
     * to this thread, and its metrics map is too large to walk on every poll.
     */
    private void noteConnection() {
        long now = System.nanoTime();
        if (now - lastConnectionCheckNanos < CONNECTION_CHECK_INTERVAL_NANOS) {
            return;
        }
        lastConnectionCheckNanos = now;
        boolean any = false;
        for (Map.Entry<MetricName, ? extends Metric> m : consumer.metrics().entrySet()) {
            if (m.getKey().name().equals("connection-count") && m.getKey().group().equals("consumer-metrics")
                    && m.getValue().metricValue() instanceof Number n && n.doubleValue() > 0) {
                any = true;
                break;
            }
        }
        connected = any;
    }

    private void noteBacklog() {
        long nowMs = clock.millis();
        for (PartitionProgress p : progress.values()) {
            OptionalLong lag = consumer.currentLag(new TopicPartition(topic, p.partition));
            p.backlog(lag.isPresent() && lag.getAsLong() > 0, nowMs);
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return; // the cooperative protocol calls this after every rebalance, even when nothing was added
        }
        long nowMs = clock.millis();
        List<PartitionProgress> added = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            PartitionProgress p = new PartitionProgress(tp.partition(), nowMs);
            progress.put(tp.partition(), p);
            added.add(p);
        }
        List<TopicPartition> failed = new ArrayList<>(partitions);
        failed.removeAll(prepare(added));
        if (!failed.isEmpty()) {
            consumer.pause(failed);
        }
    }

    /** Lets the listener build the partitions' state; returns the ones that are ready now. */
    private List<TopicPartition> prepare(List<PartitionProgress> partitions) {
        List<Integer> numbers = new ArrayList<>();
        for (PartitionProgress p : partitions) {
            numbers.add(p.partition);
        }
        try {
            listener.assigned(numbers);
        } catch (RuntimeException e) {
            log.warn("Preparing partitions {} failed; trying again in {} ms", numbers,
                    Duration.ofNanos(retryPauseNanos).toMillis(), e);
            long retryAt = System.nanoTime() + retryPauseNanos;
            for (PartitionProgress p : partitions) {
                p.retryAtNanos = retryAt;
            }
            return List.of();
        }
        List<TopicPartition> ready = new ArrayList<>();
        for (PartitionProgress p : partitions) {
            p.ready = true;
            p.retryAtNanos = 0;
            ready.add(new TopicPartition(topic, p.partition));
        }
        return ready;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        List<PartitionProgress> leaving = leaving(partitions);
        commitSync(leaving);
        dropped(leaving);
    }

    /**
     * The partitions were taken away without a clean handover (this member was fenced or timed out): another
     * member may already hold them, so their offsets are not committed; it starts from the last commit.
     */
    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        dropped(leaving(partitions));
    }

    private List<PartitionProgress> leaving(Collection<TopicPartition> partitions) {
        List<PartitionProgress> leaving = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            PartitionProgress p = progress.get(tp.partition());
            if (p != null) {
                leaving.add(p);
            }
        }
        return leaving;
    }

    private void dropped(List<PartitionProgress> leaving) {
        List<Integer> numbers = new ArrayList<>();
        for (PartitionProgress p : leaving) {
            progress.remove(p.partition);
            if (p.ready) {
                numbers.add(p.partition);
            }
        }
        if (numbers.isEmpty()) {
            return;
        }
        try {
            listener.revoked(numbers);
        } catch (RuntimeException e) {
            log.warn("The partition listener failed on revoking {}", numbers, e);
        }
    }

    private void commitAsync() {
        Map<TopicPartition, OffsetAndMetadata> offsets = uncommitted(progress.values());
        lastCommitNanos = System.nanoTime();
        if (offsets.isEmpty()) {
            return;
        }
        consumer.commitAsync(offsets, (committed, error) -> {
            if (error != null) {
                log.debug("Committing offsets failed; the next commit carries them: {}", error.toString());
                return;
            }
            committed.forEach((tp, offset) -> {
                PartitionProgress p = progress.get(tp.partition());
                if (p != null) {
                    p.committedOffset = Math.max(p.committedOffset, offset.offset());
                }
            });
        });
    }

    private void commitSync(Collection<PartitionProgress> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = uncommitted(partitions);
        if (offsets.isEmpty()) {
            return;
        }
        Duration timeout = closeDeadlineNanos == 0 ? closeTimeout : remainingCloseTime();
        try {
            consumer.commitSync(offsets, timeout);
            for (PartitionProgress p : partitions) {
                p.committedOffset = p.nextOffset;
            }
        } catch (RuntimeException e) {
            // At least once: whoever takes these partitions next starts at the last commit and repeats the rest.
            log.warn("Committing offsets {} failed; those events will be handled again: {}", offsets, e.toString());
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> uncommitted(Collection<PartitionProgress> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionProgress p : partitions) {
            if (p.uncommitted()) {
                offsets.put(new TopicPartition(topic, p.partition), new OffsetAndMetadata(p.nextOffset));
            }
        }
        return offsets;
    }

    private Duration remainingCloseTime() {
        return Duration.ofNanos(Math.max(0, closeDeadlineNanos - System.nanoTime()));
    }

    private void pauseAfterError() {
        try {
            Thread.sleep(Duration.ofNanos(retryPauseNanos).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}

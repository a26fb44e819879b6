package io.scalemanager.queue.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.scalemanager.queue.EventHandler;
import io.scalemanager.queue.PartitionListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The manager's side of the distributed queue: one member of the consumer group, with one thread that delivers
 * each held partition's events in order. Offsets are committed only for handled events, so a manager that dies
 * loses nothing: the member that takes its partitions over starts after the last handled and committed event
 * (at least once). The cooperative assignor moves only the partitions that must move when members come and go.
 */
public final class KafkaEventConsumer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaEventConsumer.class);
    static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    /** Each of the final commit and the leaving of the group gets at most this, together. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** Fetches return after this at most, so that a new event reaches the handler within tens of milliseconds. */
    static final int FETCH_MAX_WAIT_MS = 50;
    /**
     * Under load a fetch waits for this much data (or the wait above), so the consumer and the broker handle a few
     * large fetches instead of one per producer batch; when quiet, the wait bounds the delay.
     */
    static final int FETCH_MIN_BYTES = 64 * 1024;

    private final KafkaQueueSettings settings;
    private final Clock clock;
    private final Map<Integer, PartitionProgress> progress = new ConcurrentHashMap<>();
    private final Optional<MeterRegistry> registry;
    private volatile PollLoop loop;
    private Thread thread;
    private KafkaClientMetrics clientMetrics;

    public KafkaEventConsumer(KafkaQueueSettings settings, Clock clock) {
        this(settings, clock, Optional.empty());
    }

    /**
     * Also publishes the lag as {@code scalemanager_queue_lag_seconds}, the name the embedded queue uses, and the
     * consumer's own metrics (kafka_consumer_*), as Micrometer names them.
     */
    public KafkaEventConsumer(KafkaQueueSettings settings, Clock clock, MeterRegistry registry) {
        this(settings, clock, Optional.of(registry));
        Gauge.builder("scalemanager_queue_lag_seconds", this, c -> c.lagMillis() / 1000.0)
                .description("Age of the oldest event of this manager's partitions not yet handled")
                .register(registry);
    }

    private KafkaEventConsumer(KafkaQueueSettings settings, Clock clock, Optional<MeterRegistry> registry) {
        this.settings = settings;
        this.clock = clock;
        this.registry = registry;
    }

    static Map<String, Object> consumerConfig(KafkaQueueSettings settings) {
        Map<String, Object> config = settings.clientConfig();
        long sessionMs = settings.sessionTimeout().toMillis();
        config.put("group.id", settings.consumerGroup());
        config.put("group.protocol", "classic");
        config.put("partition.assignment.strategy", CooperativeStickyAssignor.class.getName());
        config.put("session.timeout.ms", (int) sessionMs);
        config.putIfAbsent("heartbeat.interval.ms", (int) Math.max(100, sessionMs / 3));
        config.put("enable.auto.commit", false);
        config.put("auto.offset.reset", "earliest");
        config.putIfAbsent("fetch.max.wait.ms", FETCH_MAX_WAIT_MS);
        config.putIfAbsent("fetch.min.bytes", FETCH_MIN_BYTES);
        config.putIfAbsent("client.id", "scalemanager-consumer");
        return config;
    }

    /** Joins the group and starts delivering on the consumer's thread. */
    public synchronized void start(EventHandler handler, PartitionListener listener) {
        if (thread != null) {
            throw new IllegalStateException("the Kafka consumer is already started");
        }
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(settings),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        registry.ifPresent(r -> {
            clientMetrics = new KafkaClientMetrics(consumer);
            clientMetrics.bindTo(r);
        });
        loop = new PollLoop(consumer, settings.topic(), handler, listener, progress, clock, RETRY_PAUSE, CLOSE_TIMEOUT);
        thread = new Thread(loop, "kafka-event-consumer");
        thread.start();
    }

    /**
     * Age of the oldest event this member holds but has not handled, approximately (see
     * {@link PartitionProgress#lagMillis}); 0 when it is caught up.
     */
    public long lagMillis() {
        long now = clock.millis();
        long lag = 0;
        for (PartitionProgress p : progress.values()) {
            lag = Math.max(lag, p.lagMillis(now));
        }
        return lag;
    }

    /**
     * Whether this member is connected to a broker, as of its poll thread's last look (at most a second old, or
     * older while a handler holds that thread). False before the first look.
     */
    public boolean connected() {
        PollLoop current = loop;
        return current != null && current.connected();
    }

    /** Finishes the event in hand, commits what was handled and leaves the group, within a bound. */
    @Override
    public synchronized void close() {
        if (thread == null) {
            return;
        }
        loop.stop();
        try {
            // The handler's event in hand, the poll in progress, then the commit and the leave.
            thread.join(CLOSE_TIMEOUT.plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (clientMetrics != null) {
            clientMetrics.close();
            clientMetrics = null;
        }
        if (thread.isAlive()) {
            log.warn("The Kafka consumer did not stop within {} s; leaving it behind", CLOSE_TIMEOUT.plusSeconds(5).toSeconds());
        }
        thread = null;
    }
}

package io.scalemanager.queue.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.scalemanager.core.state.Event;
import io.scalemanager.queue.EventPublisher;
import io.scalemanager.queue.QueueUnavailableException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes committed events to Kafka, each on the partition of its instance. A publish completes once the
 * in-sync replicas hold every event of the list; the idempotent producer keeps the order of one instance's
 * events even when it retries.
 *
 * <p>A failed publish may have landed in part: the caller publishes the whole group again, and the duplicates
 * are harmless because the manager's decisions are idempotent by sequence number.
 */
public final class KafkaEventPublisher implements EventPublisher {
    /** Long enough to batch the events of one EventLog commit, short enough not to show in decision latency. */
    static final int LINGER_MS = 5;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final InstancePartitioner partitioner;
    private final Duration sendTimeout;
    private final Counter sent;
    private final Counter failed;
    private final Timer latency;
    private final KafkaClientMetrics clientMetrics;
    private volatile boolean available = true;

    /** Also publishes the producer's own metrics (kafka_producer_*), as Micrometer names them. */
    public KafkaEventPublisher(KafkaQueueSettings settings, InstancePartitioner partitioner, MeterRegistry registry) {
        this.producer = new KafkaProducer<>(producerConfig(settings), new ByteArraySerializer(), new ByteArraySerializer());
        this.clientMetrics = new KafkaClientMetrics(producer);
        clientMetrics.bindTo(registry);
        this.topic = settings.topic();
        this.partitioner = partitioner;
        this.sendTimeout = settings.sendTimeout();
        this.sent = Counter.builder("scalemanager_queue_published_events").description("Events Kafka acknowledged")
                .register(registry);
        this.failed = Counter.builder("scalemanager_queue_publish_failures")
                .description("Publishes that Kafka did not acknowledge in time").register(registry);
        this.latency = Timer.builder("scalemanager_queue_publish_latency")
                .description("Time from publish to Kafka's acknowledgement of every event of the group")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    static Map<String, Object> producerConfig(KafkaQueueSettings settings) {
        Map<String, Object> config = settings.clientConfig();
        long timeoutMs = settings.sendTimeout().toMillis();
        config.put("acks", "all");
        config.put("enable.idempotence", true);
        // One request in flight, not Kafka's 5: when a partition's first batch fails with a retriable error (a
        // leader not ready yet, on a new topic or after an election) while a later batch is accepted, the first is
        // refused as out of order on every retry until the delivery timeout (KAFKA-14359, seen here as 503s on a
        // fresh topic). A request still carries the batches of every partition on that broker.
        config.put("max.in.flight.requests.per.connection", 1);
        config.put("linger.ms", LINGER_MS);
        // The whole publish is bounded by the send timeout: Kafka requires delivery >= linger + request timeout.
        config.put("delivery.timeout.ms", (int) timeoutMs);
        config.put("request.timeout.ms", (int) (timeoutMs - LINGER_MS));
        config.put("max.block.ms", timeoutMs);
        config.putIfAbsent("client.id", "scalemanager-publisher");
        return config;
    }

    @Override
    public CompletableFuture<Void> publish(List<Event> events) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (events.isEmpty()) {
            done.complete(null);
            return done;
        }
        long started = System.nanoTime();
        AtomicInteger outstanding = new AtomicInteger(events.size());
        for (int i = 0; i < events.size() && !done.isDone(); i++) {
            Event event = events.get(i);
            // Outside the try: an event that cannot be encoded is the caller's bug, not Kafka being unavailable.
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
                    partitioner.partitionOf(event.instance()), EventCodec.key(event), EventCodec.encode(event));
            try {
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        fail(done, error);
                    } else if (outstanding.decrementAndGet() == 0) {
                        available = true;
                        sent.increment(events.size());
                        latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                        done.complete(null);
                    }
                });
            } catch (RuntimeException e) {
                // send() blocked for max.block.ms (no metadata, full buffer) or the producer is closed.
                fail(done, e);
            }
        }
        return done;
    }

    private void fail(CompletableFuture<Void> done, Exception cause) {
        available = false;
        QueueUnavailableException failure = new QueueUnavailableException("Kafka did not acknowledge within "
                + sendTimeout.toMillis() + " ms: " + cause.getMessage());
        failure.initCause(cause);
        if (done.completeExceptionally(failure)) {
            failed.increment();
        }
    }

    @Override
    public boolean available() {
        return available;
    }

    @Override
    public void close() {
        clientMetrics.close();
        producer.close(sendTimeout);
    }
}

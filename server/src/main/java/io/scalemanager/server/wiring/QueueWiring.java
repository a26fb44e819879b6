package io.scalemanager.server.wiring;

import io.micrometer.core.instrument.MeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.history.EventLog;
import io.scalemanager.history.ingest.CommitListener;
import io.scalemanager.queue.embedded.EmbeddedQueue;
import io.scalemanager.queue.embedded.OffsetStore;
import io.scalemanager.queue.kafka.InstancePartitioner;
import io.scalemanager.queue.kafka.KafkaEventConsumer;
import io.scalemanager.queue.kafka.KafkaEventPublisher;
import io.scalemanager.queue.kafka.KafkaQueueSettings;

import java.time.Clock;
import java.util.stream.IntStream;

/**
 * The queue between the collector and the manager of {@code run}: the embedded one by default, or Kafka when
 * queue.kafka.bootstrap is set. The all-in-one sees only this: where committed events go, how many partitions
 * the manager keeps windows for, how to start delivering, and how far behind the manager is.
 */
interface QueueWiring extends AutoCloseable {

    int partitions();

    /** Where the EventLog writer hands each committed group. */
    CommitListener afterCommit();

    /** Starts delivering to the manager; returns once the manager holds its partitions' windows. */
    void start(ManagerParts manager, EventLog history);

    long lagMillis();

    /** Whether the queue answers now (for /ready): Kafka's producer and consumer reach a broker. */
    boolean available();

    @Override
    void close();

    /** Where the embedded queue saves how far the manager has decided each partition. */
    static OffsetStore embeddedPositions(Database db) {
        return new OffsetStore(db.dataSource(), "manager");
    }

    /** The embedded queue: this process holds every partition, and the EventLog is the queue's log (ADR 1). */
    static QueueWiring embedded(int partitions, int capacity, Database db, EventLog eventLog, Clock clock,
                                MeterRegistry registry) {
        EmbeddedQueue queue = new EmbeddedQueue(partitions, capacity, embeddedPositions(db),
                ManagerParts.replaySource(eventLog), clock, registry);
        return new QueueWiring() {
            @Override
            public int partitions() {
                return partitions;
            }

            @Override
            public CommitListener afterCommit() {
                return CommitListener.replayedFromEventLog(queue::publish);
            }

            @Override
            public void start(ManagerParts manager, EventLog history) {
                // Warm every partition's windows and resume every unfinished action before the replay starts.
                manager.handover(history, queue::partitionOf)
                        .assigned(IntStream.range(0, partitions).boxed().toList());
                queue.start(manager.manager);
            }

            @Override
            public long lagMillis() {
                return queue.lagMillis();
            }

            @Override
            public boolean available() {
                return true;
            }

            @Override
            public void close() {
                queue.close();
            }
        };
    }

    /** Kafka: this process is one member of the managers' consumer group, and a producer (ADR 7). */
    static QueueWiring kafka(KafkaQueueSettings kafka, Clock clock, MeterRegistry registry) {
        int partitions = KafkaQueueConfig.ensureTopic(kafka);
        InstancePartitioner partitioner = new InstancePartitioner(partitions);
        KafkaEventPublisher publisher = new KafkaEventPublisher(kafka, partitioner, registry);
        KafkaEventConsumer consumer = new KafkaEventConsumer(kafka, clock, registry);
        return new QueueWiring() {
            @Override
            public int partitions() {
                return partitions;
            }

            @Override
            public CommitListener afterCommit() {
                return publisher::publish;
            }

            @Override
            public void start(ManagerParts manager, EventLog history) {
                consumer.start(manager.manager, manager.handover(history, partitioner::partitionOf));
            }

            @Override
            public long lagMillis() {
                return consumer.lagMillis();
            }

            @Override
            public boolean available() {
                return publisher.available() && consumer.connected();
            }

            @Override
            public void close() {
                // The writer has published everything it took; flush it, then let the manager finish.
                publisher.close();
                consumer.close();
            }
        };
    }
}

package io.scalemanager.queue.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One Kafka broker per test JVM, started on first use and stopped when the JVM exits (a broker takes seconds
 * to start). Tests keep apart by using their own topics and consumer groups.
 */
public final class TestKafka {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static KafkaBroker broker;

    private TestKafka() {
    }

    public static synchronized KafkaBroker shared() {
        try {
            if (broker == null) {
                Path dir = Files.createTempDirectory("scalemanager-kafka-");
                broker = KafkaBroker.start(dir);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    broker.close();
                    deleteTree(dir);
                }));
            }
            return broker;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start Kafka for tests: " + e.getMessage(), e);
        }
    }

    /** A topic or group name no other test of this JVM (or an earlier run on the same broker) uses. */
    public static String unique(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    }

    /** Settings for a queue on the shared broker: a fresh topic and group, one replica, short timeouts. */
    public static KafkaQueueSettings settings(int partitions) {
        return KafkaQueueSettings.defaults(shared().bootstrap())
                .withTopic(unique("events"))
                .withPartitions(partitions, 1)
                .withConsumerGroup(unique("managers"))
                // Sends: the first produce requests to a new topic have taken over 5 s here, on two cores shared
                // with other builds. Sessions: 10 s, so a member whose heartbeats stall on a loaded machine is not
                // thrown out (its partitions lost and redelivered); heartbeats every second, so members still
                // learn of a rebalance soon.
                .withTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(10))
                .withClientProperties(java.util.Map.of("heartbeat.interval.ms", "1000"));
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // the JVM is exiting; a leftover temp directory is harmless
        }
    }
}
